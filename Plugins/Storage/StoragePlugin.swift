import Foundation
import Crypto
import PlinthKernel
import SQLKit
import Synchronization

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
    let s3: S3Client?
    let apiBaseURL: String
    let state = StorageState()

    public init(context: PluginContext) throws {
        configuration = try StorageConfiguration.load(context.config.environment, dataDirectory: context.kernel.dataDirectory)
        apiBaseURL = context.kernel.apiBaseURL
        if case .s3(let settings) = configuration.driver {
            s3 = try S3Client(settings: settings, clock: context.clock, logger: context.logger)
        } else {
            s3 = nil
        }
    }

    public var migrations: [Migration] {
        [Migration("001_signing_keys",
                   up: ["CREATE TABLE storage_signing_keys (id INTEGER PRIMARY KEY, secret TEXT NOT NULL)"],
                   down: ["DROP TABLE storage_signing_keys"]),
         LocalObjectIndex.migration]
    }

    public func provide(_ context: PluginContext) async throws {
        let base: any BlobStore
        var signer: LocalURLSigner?
        switch configuration.driver {
        case .local(let root):
            let secret = try await Self.signingSecret(context.database)
            signer = LocalURLSigner(secret: secret, baseURL: apiBaseURL, now: { context.clock.now })
            let local = LocalBlobStore(root: root, signer: signer!, index: LocalObjectIndex(database: context.database, root: root))
            do { try await local.prepare() } catch {
                throw KernelStartupError("plugin 'storage' cannot use \(root) (STORAGE_LOCAL_ROOT or PLINTH_DATA_DIR): \(error)")
            }
            base = local
        case .s3:
            base = S3BlobStore(client: s3!)
        }
        let store = InstrumentedBlobStore(base: base, metrics: context.metrics)
        state.set(store: store, signer: signer)
        try context.provide((any BlobStore).self, store)
        try context.declarePermission(StorageRoutes.read, "download and list the tenant's files", roles: ["owner", "admin", "member"])
        try context.declarePermission(StorageRoutes.write, "upload, copy, delete and presign the tenant's files", roles: ["owner", "admin", "member"])
    }

    public func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        guard let store = state.store else { throw KernelStartupError("plugin 'storage' mounted before it provided its store") }
        try routes.add(StorageRoutes(store: store, configuration: configuration, signer: state.signer).routes)
    }

    public func boot(_ context: PluginContext) async throws {
        switch configuration.driver {
        case .local(let root): context.logger.info("storage on local disk", metadata: ["root": "\(root)"])
        case .s3(let s3): context.logger.info("storage on S3", metadata: ["bucket": "\(s3.bucket)", "endpoint": "\(s3.endpoint.string ?? "")"])
        }
    }

    public func health(_ context: PluginContext) async -> PluginHealth {
        guard let s3 else { return .healthy }
        let state = await s3.breaker.state
        // Still ready: other plugins on this instance work, and every instance shares the outage.
        return state == .closed ? .healthy : PluginHealth(healthy: true, detail: "S3 circuit is \(state.rawValue); storage requests get 503")
    }

    public func shutdown(_ context: PluginContext) async throws {
        await s3?.shutdown()
    }

    /// The HMAC key of local presigned URLs: made once and kept in the database, so every
    /// instance (and every restart) accepts the URLs the others signed.
    static func signingSecret(_ database: Database) async throws -> Data {
        let fresh = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        let sql = database.sql
        switch database.kind {
        case .postgres:
            try await sql.raw("INSERT INTO storage_signing_keys (id, secret) VALUES (1, \(bind: fresh)) ON CONFLICT (id) DO NOTHING").run()
        case .sqlite:
            try await sql.raw("INSERT OR IGNORE INTO storage_signing_keys (id, secret) VALUES (1, \(bind: fresh))").run()
        }
        guard let row = try await sql.raw("SELECT secret FROM storage_signing_keys WHERE id = 1").first(),
              let secret = Data(base64Encoded: try row.decode(column: "secret", as: String.self)) else {
            throw KernelStartupError("plugin 'storage' could not read its signing key from storage_signing_keys")
        }
        return secret
    }
}

/// What `provide` builds and `mount` uses; the plugin value itself is immutable.
final class StorageState: Sendable {
    private let value = Mutex<(store: (any BlobStore)?, signer: LocalURLSigner?)>((nil, nil))
    var store: (any BlobStore)? { value.withLock { $0.store } }
    var signer: LocalURLSigner? { value.withLock { $0.signer } }
    func set(store: any BlobStore, signer: LocalURLSigner?) { value.withLock { $0 = (store, signer) } }
}
