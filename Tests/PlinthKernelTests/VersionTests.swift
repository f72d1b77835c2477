import PlinthKernel
import Testing

@Suite struct VersionTests {
    @Test func parsesAndOrdersSemanticVersions() throws {
        let versions = try ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "10.0.0"].map(SemanticVersion.init(parsing:))
        #expect(versions == versions.sorted())
        #expect(try SemanticVersion(parsing: "1.2.3+build.5") == SemanticVersion(1, 2, 3))
    }

    @Test(arguments: ["", "1", "1.2", "01.2.3", "1.2.3-", "a.b.c", "1.2.3.4", "-1.0.0"])
    func rejectsMalformedVersions(_ text: String) {
        #expect(throws: VersionParseError.self) { try SemanticVersion(parsing: text) }
    }

    @Test(arguments: [
        ("^1.2.0", "1.9.9", true), ("^1.2.0", "2.0.0", false), ("^1.2.0", "1.1.0", false),
        ("^0.3.0", "0.3.5", true), ("^0.3.0", "0.4.0", false),
        ("~1.2.0", "1.2.9", true), ("~1.2.0", "1.3.0", false),
        (">=1.0.0 <2.0.0", "1.5.0", true), (">=1.0.0 <2.0.0", "2.0.0", false),
        ("1.x", "1.7.0", true), ("1.2.x", "1.3.0", false), ("*", "0.0.1", true),
        ("1.0.0", "1.0.0", true), ("1.0.0", "1.0.1", false),
        ("^1.0.0 || ^3.0.0", "3.1.0", true), ("^1.0.0 || ^3.0.0", "2.1.0", false),
        ("^1.0.0", "2.0.0-rc.1", false), (">=1.0.0-beta <2.0.0", "1.0.0-beta.2", true),
    ])
    func rangesAdmitTheRightVersions(range: String, version: String, expected: Bool) throws {
        #expect(try VersionRange(parsing: range).contains(SemanticVersion(parsing: version)) == expected)
    }

    @Test(arguments: ["", "^", ">=x", "1.2.3.4", "^a", "|| 1.0.0"])
    func rejectsMalformedRanges(_ text: String) {
        #expect(throws: VersionParseError.self) { try VersionRange(parsing: text) }
    }
}
