import Foundation
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// The commands an operator runs first, before anything is migrated or served.
@Suite(.serialized) struct InspectingCommandsTests {
    @Test(arguments: TestBackend.all)
    func routesAndOpenAPIAnswerOnAFreshDataFolderWithoutMigrating(backend: TestBackend) async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (database, drop) = try await ProcessDatabase.make(backend, folder: dir + "/data")
        defer { Task { try? await drop() } }

        let routes = try await PlinthProcess.run(["routes"], environment: database, directory: dir)
        #expect(routes.status == 0, "\(routes.stderr)")
        for route in [["GET", "/api/auth/me", "auth"], ["GET", "/api/jobs", "jobs"], ["PUT", "/api/storage/objects/**", "storage"]] {
            #expect(ProcessTests.has(routes.stdout, route), "\(routes.stdout)")
        }
        let openapi = try await PlinthProcess.run(["openapi"], environment: database, directory: dir)
        #expect(openapi.status == 0, "\(openapi.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(openapi.stdout.utf8)) as? [String: Any]
        #expect((document?["paths"] as? [String: Any])?["/api/auth/me"] != nil)
        for command in [["plugins"], ["config"]] {
            let result = try await PlinthProcess.run(command, environment: database, directory: dir)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        // Nothing was migrated, and no key was generated for a run that sealed nothing.
        let status = try await PlinthProcess.run(["migrate", "status", "--json"], environment: database, directory: dir)
        let rows = try JSONDecoder().decode([MigrationStatus].self, from: Data(status.stdout.utf8))
        #expect(!rows.isEmpty && rows.allSatisfy { $0.state == .pending })
        #expect(!FileManager.default.fileExists(atPath: dir + "/data/secret.key"))
        for result in [routes, openapi, status] {
            #expect(!result.stderr.contains("run() hasn't been called yet"), "\(result.stderr)")
        }
    }

    @Test func commandsThatNeverServeShutTheS3ClientDown() async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s3 = ["STORAGE_BUCKET": "files", "STORAGE_ENDPOINT": "http://127.0.0.1:1", "STORAGE_ACCESS_KEY_ID": "AKIDEXAMPLE", "STORAGE_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"]
        for command in [["routes"], ["openapi"], ["migrate", "status"], ["migrate", "up"], ["secrets", "reseal"]] {
            let result = try await PlinthProcess.run(command, environment: s3, directory: dir)
            #expect(result.status == 0, "\(command) exited \(result.status): \(result.stderr)")
            #expect(!result.stderr.contains("not shut down"), "\(result.stderr)")
        }
    }

    @Test(arguments: TestBackend.postgresOnly)
    func aPostgreSQLStartLogsNoPoolWarning(backend: TestBackend) async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (database, drop) = try await ProcessDatabase.make(backend, folder: dir + "/data")
        let server = try PlinthProcess(["serve"], environment: database.merging(["PORT": "0"]) { $1 }, directory: dir)
        _ = try await server.waitUntilListening()
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(!server.log.contains("hasn't been called yet"), "\(server.log)")
        try await drop()
    }

    @Test(arguments: TestBackend.all)
    func resealAfterARotationMovesTheStoredSecretsOntoTheNewKey(backend: TestBackend) async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (database, drop) = try await ProcessDatabase.make(backend, folder: dir + "/data")
        defer { Task { try? await drop() } }
        let old = SecretKey.random(), new = SecretKey.random()
        let up = try await PlinthProcess.run(["migrate", "up"], environment: database, directory: dir)
        #expect(up.status == 0, "\(up.stderr)")
        // A serve generates and seals the auth and storage secrets with the old key.
        let server = try PlinthProcess(["serve"], environment: database.merging(["PORT": "0", "PLINTH_SECRET_KEY": old.base64]) { $1 }, directory: dir)
        _ = try await server.waitUntilListening()
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        let rotated = database.merging(["PLINTH_SECRET_KEY": new.base64, "PLINTH_SECRET_KEY_PREVIOUS": old.base64]) { $1 }
        let reseal = try await PlinthProcess.run(["secrets", "reseal"], environment: rotated, directory: dir)
        #expect(reseal.status == 0, "\(reseal.stderr)")
        #expect(ProcessTests.has(reseal.stdout, ["auth", "auth_secrets.value", "2", "0", "0"]), "\(reseal.stdout)")
        #expect(ProcessTests.has(reseal.stdout, ["storage", "storage_secrets.value", "1", "0", "0"]), "\(reseal.stdout)")

        let values = try await ProcessDatabase.query(backend, database) { sql in
            try await sql.raw("SELECT value FROM auth_secrets UNION ALL SELECT value FROM storage_secrets").all().map { try $0.decode(column: "value", as: String.self) }
        }
        #expect(values.count == 3 && values.allSatisfy { $0.hasPrefix("sealed:v1:\(new.id):") }, "\(values)")

        // The new key alone now starts the server.
        let after = try PlinthProcess(["serve"], environment: database.merging(["PORT": "0", "PLINTH_SECRET_KEY": new.base64]) { $1 }, directory: dir)
        _ = try await after.waitUntilListening()
        after.signal(SIGTERM)
        #expect(try await after.waitForExit() == 0)

        // Without the old key a server refuses to start, naming what is missing.
        let wrong = try await PlinthProcess.run(["serve"], environment: database.merging(["PORT": "0", "PLINTH_SECRET_KEY": old.base64]) { $1 }, directory: dir)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("plugin 'auth' cannot read its generated jwt_secret") && wrong.stderr.contains("PLINTH_SECRET_KEY"), "\(wrong.stderr)")
    }
}
