import PlinthStorage
import Testing

/// Security checklist H.75: keys are built server-side under the tenant's prefix, and input
/// that could climb out of it is refused.
@Suite struct BlobKeyTests {
    @Test(arguments: ["../x", "a/../b", "a/..", "..", "./a", "a/./b", "/etc/passwd", "a\\b", "..\\x", "a%2Fb", "a%2fb", "%2e%2e%2Fx", "a%5Cb", "a//b", "a/", "", "a\u{0}b", "a\nb"])
    func rejectsTraversalAndAmbiguousKeys(_ path: String) {
        #expect(throws: BlobKeyError.self) { try BlobKey(tenant: "acme", path: path) }
    }

    @Test(arguments: ["a.txt", "dir/sub/file name.pdf", "ünïcödé/ファイル.txt", "a+b%20c", "x..y", ".hidden", "a-b_c~d"])
    func acceptsOrdinaryKeys(_ path: String) throws {
        let key = try BlobKey(tenant: "acme", path: path)
        #expect(key.storagePath == "tenants/acme/" + path)
    }

    @Test func scopesPrefixTheStoragePath() throws {
        #expect(try BlobKey(system: "exports/a.csv").storagePath == "system/exports/a.csv")
        #expect(try BlobKey(tenant: "t-1", path: "a").storagePath == "tenants/t-1/a")
    }

    @Test func tenantIDCannotCarryAPath() {
        #expect(throws: BlobKeyError.self) { try BlobKey(tenant: "acme/../other", path: "a") }
        #expect(throws: BlobKeyError.self) { try BlobKey(tenant: "", path: "a") }
    }

    @Test func errorNamesTheKeyAndTheRule() {
        #expect { try BlobKey(tenant: "acme", path: "a/../b") } throws: { error in
            "\(error)" == "key 'a/../b' contains a '..' segment"
        }
    }

    @Test func keysLongerThanS3AllowsAreRefused() {
        #expect(throws: BlobKeyError.self) { try BlobKey(tenant: "acme", path: String(repeating: "a", count: 1020)) }
    }

    @Test func listPrefixStaysInsideTheScope() throws {
        #expect(try BlobKey.listPrefix(.tenant("acme"), "") == "tenants/acme/")
        #expect(try BlobKey.listPrefix(.tenant("acme"), "docs/") == "tenants/acme/docs/")
        #expect(try BlobKey.listPrefix(.tenant("acme"), "docs/inv") == "tenants/acme/docs/inv")
        #expect(throws: BlobKeyError.self) { try BlobKey.listPrefix(.tenant("acme"), "../other/") }
    }

    @Test func objectsOutsideTheScopeAreNotItsKeys() {
        #expect(BlobKey.inScope(.tenant("a"), storagePath: "tenants/b/x") == nil)
        #expect(BlobKey.inScope(.tenant("a"), storagePath: "tenants/a/x")?.path == "x")
    }
}
