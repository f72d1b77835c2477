import Foundation
import Crypto
import PlinthKernel
import SQLKit

/// File storage for plugins and users: local disk by default, S3 when `STORAGE_BUCKET` is set.
/// Provides `any BlobStore` to plugins that depend on `storage`, and the `/api/storage` routes.
///
/// Settings (see ``StorageConfiguration``): `STORAGE_DRIVER`, `STORAGE_BUCKET`,
/// `STORAGE_ACCESS_KEY_ID`, `STORAGE_SECRET_ACCESS_KEY`, `STORAGE_REGION` (us-east-1),
/// `STORAGE_ENDPOINT`, `STORAGE_FORCE_PATH_STYLE` (false), `STORAGE_MAX_UPLOAD_SIZE` (5 GiB),
/// `STORAGE_PRESIGN_EXPIRY` (900 s), `STORAGE_PRESIGN_MAX_EXPIRY` (3600 s, at most 7 days).
public struct StoragePlugin: SaaSPlugin {
    public static let manifest = PluginManifest(
        id: "storage", name: "Storage", version: "1.0.0",
        description: "Files on local disk or S3: streaming uploads, ranges, presigned URLs, tenant isolation",
        kernelAPI: "^1.0.0", basePath: "/api/storage"
    )

    let configuration: StorageConfiguration
    let apiBaseURL: String

    /// Where the local driver's URL signing key is kept, sealed.
    static let signingSecret = SealedColumn(plugin: "storage", table: "storage_secrets", key: "name", value: "value")

    public init(context: PluginContext) throws {
        configuration = try StorageConfiguration.load(context.config.environment, dataDirectory: context.kernel.dataDirectory)
        apiBaseURL = context.kernel.apiBaseURL
    }

    public var migrations: [Migration] {
        [Migration("001_signing_keys",
                   up: ["CREATE TABLE storage_signing_keys (id INTEGER PRIMARY KEY, secret TEXT NOT NULL)"],
                   down: ["DROP TABLE storage_signing_keys"]),
         LocalObjectIndex.migration,
         // The key moves to a table the secret store can seal (TEXT row names); boot seals the
         // copied value in place.
         Migration("003_sealed_secrets",
                   up: ["CREATE TABLE storage_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
                        "INSERT INTO storage_secrets (name, value) SELECT 'url_signing', secret FROM storage_signing_keys WHERE id = 1",
                        "DROP TABLE storage_signing_keys"],
                   down: ["CREATE TABLE storage_signing_keys (id INTEGER PRIMARY KEY, secret TEXT NOT NULL)",
                          "DROP TABLE storage_secrets"])]
    }

    /// What `provide` builds for the later steps.
    public struct Provided: Sendable {
        let store: any BlobStore
        let local: LocalBlobStore?
        let signer: LocalURLSigner?
        let s3: S3Client?
    }

    public func provide(_ context: PluginContext) async throws -> Provided {
        let provided: Provided
        switch configuration.driver {
        case .local(let root):
            let signer = LocalURLSigner(secret: BootValue<SymmetricKey>("the storage plugin's signing key"), baseURL: apiBaseURL, now: { context.clock.now })
            let local = LocalBlobStore(root: root, signer: signer, index: LocalObjectIndex(database: context.database, root: root))
            provided = Provided(store: InstrumentedBlobStore(base: local, metrics: context.metrics), local: local, signer: signer, s3: nil)
        case .s3(let settings):
            // Made here, not in configure: the kernel shuts down every plugin that provided.
            let s3 = try S3Client(settings: settings, clock: context.clock, logger: context.logger)
            provided = Provided(store: InstrumentedBlobStore(base: S3BlobStore(client: s3), metrics: context.metrics), local: nil, signer: nil, s3: s3)
        }
        try context.provide((any BlobStore).self, provided.store)
        try context.declarePermission(StorageRoutes.read, "download and list the tenant's files", roles: ["owner", "admin", "member"])
        try context.declarePermission(StorageRoutes.write, "upload, copy, delete and presign the tenant's files", roles: ["owner", "admin", "member"])
        context.secrets.declare(Self.signingSecret)
        return provided
    }

    public func mount(_ routes: PluginRoutes, provided: Provided, context: PluginContext) throws {
        try routes.add(StorageRoutes(store: provided.store, configuration: configuration, signer: provided.signer).routes)
    }

    public func boot(_ provided: Provided, context: PluginContext) async throws {
        switch configuration.driver {
        case .local(let root):
            let secret: String
            do {
                // Kept in the database, so every instance (and every restart) accepts the URLs the others signed.
                secret = try await context.secrets.generated("url_signing", in: Self.signingSecret, database: context.database) {
                    Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
                }
            } catch let error as SecretStoreError {
                throw KernelStartupError("plugin 'storage' cannot read its URL signing key: \(error)", code: .boot, plugin: "storage")
            }
            guard let key = Data(base64Encoded: secret) else {
                throw KernelStartupError("plugin 'storage' found a URL signing key in storage_secrets that is not base64", code: .boot, plugin: "storage")
            }
            provided.signer?.secret.set(SymmetricKey(data: key))
            do { try await provided.local?.prepare() } catch {
                throw KernelStartupError("plugin 'storage' cannot use \(root) (STORAGE_LOCAL_ROOT or PLINTH_DATA_DIR): \(error)", code: .boot, plugin: "storage")
            }
            context.logger.info("storage on local disk", metadata: ["root": "\(root)"])
        case .s3(let s3): context.logger.info("storage on S3", metadata: ["bucket": "\(s3.bucket)", "endpoint": "\(s3.endpoint.string ?? "")"])
        }
    }

    public func health(_ provided: Provided, context: PluginContext) async -> PluginHealth {
        guard let s3 = provided.s3 else { return .healthy }
        let state = await s3.breaker.state
        // Still ready: other plugins on this instance work, and every instance shares the outage.
        return state == .closed ? .healthy : PluginHealth(healthy: true, detail: "S3 circuit is \(state.rawValue); storage requests get 503")
    }

    public func shutdown(_ provided: Provided?, context: PluginContext) async throws {
        await provided?.s3?.shutdown()
    }
}
