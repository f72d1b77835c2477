import Foundation
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

@Suite struct SecretStoreTests {
    let owner = SecretOwner(plugin: "oauth", table: "oauth_tokens", row: "42")

    @Test func aSealedValueOpensForItsOwnerAndHidesThePlaintext() throws {
        let store = SecretStore(current: .random())
        let sealed = try store.seal("ya29.provider-token", for: owner)
        #expect(sealed.hasPrefix("sealed:v1:\(store.current.id):"))
        #expect(!sealed.contains("provider-token"))
        #expect(try store.openString(sealed, for: owner) == "ya29.provider-token")
        // A fresh nonce every time: the same secret never seals to the same text.
        #expect(try store.seal("ya29.provider-token", for: owner) != sealed)
    }

    @Test func aChangedByteIsRejected() throws {
        let store = SecretStore(current: .random())
        let sealed = try store.seal("secret", for: owner)
        var bytes = Array(sealed.utf8)
        let last = bytes.count - 5
        bytes[last] = bytes[last] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: SecretStoreError.self) { try store.open(String(decoding: bytes, as: UTF8.self), for: owner) }
        do { _ = try store.open(String(decoding: bytes, as: UTF8.self), for: owner) } catch let error as SecretStoreError {
            #expect(error.code == .rejected)
        }
    }

    @Test(arguments: [
        SecretOwner(plugin: "ai", table: "oauth_tokens", row: "42"),
        SecretOwner(plugin: "oauth", table: "oauth_refresh", row: "42"),
        SecretOwner(plugin: "oauth", table: "oauth_tokens", row: "43"),
    ])
    func aValueMovedToAnotherOwnerDoesNotOpen(other: SecretOwner) throws {
        let store = SecretStore(current: .random())
        let sealed = try store.seal("secret", for: owner)
        do {
            _ = try store.open(sealed, for: other)
            Issue.record("opened for \(other)")
        } catch let error as SecretStoreError {
            #expect(error.code == .rejected)
            #expect("\(error)".contains("\(other)"))
        }
    }

    @Test func rotationOpensOldValuesAndSealsNewOnesWithTheCurrentKey() throws {
        let old = SecretKey.random(), new = SecretKey.random()
        let before = try SecretStore(current: old).seal("kept", for: owner)
        let rotated = SecretStore(current: new, previous: [old])
        #expect(try rotated.openString(before, for: owner) == "kept")
        #expect(!rotated.isCurrent(before))
        let after = try rotated.seal("kept", for: owner)
        #expect(rotated.isCurrent(after) && after.contains(":\(new.id):"))
        // Without the previous key the old value names the key it needs.
        do {
            _ = try SecretStore(current: new).open(before, for: owner)
            Issue.record("opened without the old key")
        } catch let error as SecretStoreError {
            #expect(error.code == .unknownKey)
            #expect(error.detail.contains(old.id) && error.detail.contains("PLINTH_SECRET_KEY_PREVIOUS"))
        }
    }

    @Test func somethingThatIsNotSealedIsMalformed() {
        let store = SecretStore(current: .random())
        for text in ["plaintext", "sealed:v1:", "sealed:v1:abcdefgh:", "sealed:v1:abcdefgh:!!!"] {
            #expect(!SecretStore.isSealed(text))
            do { _ = try store.open(text, for: owner); Issue.record("opened \(text)") } catch let error as SecretStoreError {
                #expect(error.code == .malformed)
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func productionWithoutAKeyStopsStartUpNamingIt() {
        do {
            _ = try KernelConfiguration.load(from: .values(["PLINTH_ENV": "production", "API_BASE_URL": "https://api.example.com", "PLINTH_CORS_ORIGINS": "https://app.example.com"]))
            Issue.record("production started without PLINTH_SECRET_KEY")
        } catch let error as ConfigurationError {
            #expect(error.key == "PLINTH_SECRET_KEY")
            #expect(error.reason.contains("openssl rand -base64 32"))
        } catch { Issue.record("\(error)") }
    }

    @Test(arguments: ["short", Data(repeating: 1, count: 16).base64EncodedString(), "not base64 at all!!!!!!!!!!!!!!!!!!!!!!!!!!"])
    func aKeyThatIsNot32BytesIsRefusedNamingTheSetting(value: String) {
        for setting in ["PLINTH_SECRET_KEY", "PLINTH_SECRET_KEY_PREVIOUS"] {
            do {
                var values = [setting: value]
                if setting != "PLINTH_SECRET_KEY" { values["PLINTH_SECRET_KEY"] = TestKernel.secretKey }
                _ = try KernelConfiguration.load(from: .values(values))
                Issue.record("\(setting)=\(value) accepted")
            } catch let error as ConfigurationError {
                #expect(error.key == setting)
                #expect(!error.reason.contains(value), "the value itself stays out of the message")
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func configShowsTheKeyIdNeverTheKey() throws {
        let configuration = try KernelConfiguration.load(from: .values(["PLINTH_SECRET_KEY": TestKernel.secretKey]))
        let shown = configuration.entries.first { $0.key == "PLINTH_SECRET_KEY" }?.value ?? ""
        #expect(shown == "key \(try #require(configuration.secretKey).id)")
        #expect(!configuration.entries.contains { $0.value.contains(TestKernel.secretKey) })
    }

    @Test func developmentGeneratesOneKeyInTheDataFolderAndKeepsIt() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["PLINTH_DATA_DIR": folder, "PLINTH_SECRET_KEY": ""]
        let logs = LogCapture()
        let first = try await TestKernel.run(plugins: [], backend: .sqlite, environment: environment, logs: logs) { $0.secrets.current.id }
        let path = folder + "/secret.key"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!logs.lines(containing: "generated a secret key in \(path)").isEmpty)
        let second = try await TestKernel.run(plugins: [], backend: .sqlite, environment: environment) { $0.secrets.current.id }
        #expect(first == second)
    }

    @Test func anInspectingCommandWritesNoKeyFile() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await TestKernel.run(plugins: [], backend: .sqlite, environment: ["PLINTH_DATA_DIR": folder, "PLINTH_SECRET_KEY": ""], options: .init(migrate: false, boot: false)) { _ in }
        #expect(!FileManager.default.fileExists(atPath: folder + "/secret.key"))
    }

    static let column = SealedColumn(plugin: "vault", table: "vault_secrets", key: "name", value: "value")

    static func makeTable(_ database: Database) async throws {
        try await database.sql.raw("CREATE TABLE vault_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)").run()
    }

    @Test(arguments: TestBackend.all)
    func aGeneratedSecretIsSealedAtRestAndTheSameOnEveryRead(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [], backend: backend) { kernel in
            try await Self.makeTable(kernel.database)
            let first = try await kernel.secrets.generated("signing", in: Self.column, database: kernel.database) { "fresh-secret-1" }
            let second = try await kernel.secrets.generated("signing", in: Self.column, database: kernel.database) { "fresh-secret-2" }
            #expect(first == "fresh-secret-1" && second == first)
            let raw = try await kernel.database.sql.raw("SELECT value FROM vault_secrets WHERE name = 'signing'").first()?.decode(column: "value", as: String.self) ?? ""
            #expect(raw.hasPrefix("sealed:v1:") && !raw.contains("fresh-secret"))
        }
    }

    @Test(arguments: TestBackend.all)
    func aSecretKeptInTheClearByAnEarlierReleaseIsSealedInPlaceAndKept(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [], backend: backend) { kernel in
            try await Self.makeTable(kernel.database)
            try await kernel.database.sql.raw("INSERT INTO vault_secrets (name, value) VALUES ('signing', 'legacy-plaintext')").run()
            let value = try await kernel.secrets.generated("signing", in: Self.column, database: kernel.database) { "fresh" }
            #expect(value == "legacy-plaintext")
            let raw = try await kernel.database.sql.raw("SELECT value FROM vault_secrets").first()?.decode(column: "value", as: String.self) ?? ""
            #expect(SecretStore.isSealed(raw))
            #expect(try kernel.secrets.openString(raw, for: Self.column.owner("signing")) == "legacy-plaintext")
        }
    }

    @Test(arguments: TestBackend.all)
    func resealMovesEveryValueOntoTheCurrentKeyAndReportsTheOnesThatDoNotOpen(backend: TestBackend) async throws {
        let old = SecretKey.random(), new = SecretKey.random()
        let schema = backend.isPostgres ? "t_reseal_" + UUID().uuidString.prefix(8).lowercased() : nil
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["PLINTH_DATA_DIR": folder, "PLINTH_SECRET_KEY": old.base64]
        // Written with the old key, plus one value in the clear and one sealed for another row.
        try await TestKernel.run(plugins: [], backend: backend, environment: environment, schema: schema) { kernel in
            try await Self.makeTable(kernel.database)
            let sql = kernel.database.sql
            for name in ["a", "b"] {
                try await sql.raw("INSERT INTO vault_secrets (name, value) VALUES (\(bind: name), \(bind: try kernel.secrets.seal("value-\(name)", for: Self.column.owner(name))))").run()
            }
            try await sql.raw("INSERT INTO vault_secrets (name, value) VALUES ('clear', 'value-clear')").run()
            try await sql.raw("INSERT INTO vault_secrets (name, value) VALUES ('moved', \(bind: try kernel.secrets.seal("x", for: Self.column.owner("a"))))").run()
        }
        let rotated = environment.merging(["PLINTH_SECRET_KEY": new.base64, "PLINTH_SECRET_KEY_PREVIOUS": old.base64]) { $1 }
        try await TestKernel.run(plugins: [], backend: backend, environment: rotated, schema: schema) { kernel in
            let count = try await kernel.secrets.reseal(Self.column, database: kernel.database)
            #expect(count.resealed == 3 && count.current == 0)
            #expect(count.failed.map(\.owner.row) == ["moved"])
            let again = try await kernel.secrets.reseal(Self.column, database: kernel.database)
            #expect(again.resealed == 0 && again.current == 3)
            // The old key is no longer needed for what was resealed.
            let newOnly = SecretStore(current: new)
            for name in ["a", "b", "clear"] {
                let raw = try await kernel.database.sql.raw("SELECT value FROM vault_secrets WHERE name = \(bind: name)").first()?.decode(column: "value", as: String.self) ?? ""
                #expect(try newOnly.openString(raw, for: Self.column.owner(name)) == "value-\(name)")
            }
            if let schema { try await kernel.database.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        }
    }
}
