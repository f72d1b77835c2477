import Foundation
import PlinthStorage
import Testing

/// Security checklist H.74: with a fixed clock and random keys, our presigned URLs equal
/// botocore's `generate_presigned_url` byte for byte.
@Suite struct SigV4DifferentialTests {
    /// Characters that stress encoding: spaces, `+`, `%`, `//`, `~`, reserved marks, unicode.
    static let alphabet: [String] = ["a", "Z", "0", "9", " ", "+", "%", "/", "//", "~", "-", "_", ".", "!", "*", "'", "(", ")", "=", "&", "?", "#", "@", ":", ",", ";", "$", "ü", "é", "日本", "😀", "Ω"]

    /// `count` random keys from a seeded generator (the seed is printed on failure).
    static func randomKeys(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var key = "k"
            for _ in 0..<Int.random(in: 3...24, using: &generator) { key += alphabet.randomElement(using: &generator)! }
            return key
        }
    }

    struct Spec: Encodable {
        var access_key = "AKIDEXAMPLE"
        var secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        var session_token: String?
        var region: String
        var endpoint: String?
        var path_style: Bool
        var bucket = "plinth-bucket"
        var time: Int
        var cases: [Case]
    }

    struct Case: Encodable {
        var method: String
        var key: String
        var expires: Int
        var content_type: String?
    }

    static func ours(_ spec: Spec) throws -> [String] {
        let settings = try S3Settings(
            bucket: spec.bucket, region: spec.region, endpoint: spec.endpoint, forcePathStyle: spec.path_style,
            credentials: AWSCredentials(accessKeyID: spec.access_key, secretAccessKey: spec.secret_key, sessionToken: spec.session_token)
        )
        let signer = SigV4Signer(credentials: settings.credentials, region: spec.region, service: "s3")
        return spec.cases.map { c in
            let location = settings.objectLocation(c.key)
            return signer.presignedURL(method: c.method, host: location.host, path: location.path, expires: c.expires,
                                       date: Date(timeIntervalSince1970: Double(spec.time)), scheme: location.scheme,
                                       headers: c.content_type.map { [("content-type", $0)] } ?? [])
        }
    }

    static func botocore(_ spec: Spec) async throws -> [String] {
        try JSONDecoder().decode([String].self, from: await runPython("botocore_presign.py", input: JSONEncoder().encode(spec)))
    }

    static let configurations: [(name: String, region: String, endpoint: String?, pathStyle: Bool, token: String?)] = [
        ("aws us-east-1 virtual-hosted", "us-east-1", nil, false, nil),
        ("aws eu-west-1 virtual-hosted", "eu-west-1", nil, false, nil),
        ("custom endpoint path-style", "us-east-1", "http://127.0.0.1:5000", true, nil),
        ("path-style with session token", "ap-southeast-2", "https://minio.example.test:9000", true, "FwoGZXIvYXdzE+token/with=chars"),
    ]

    @Test(arguments: 0..<configurations.count)
    func randomKeysMatchBotocoreByteForByte(configuration index: Int) async throws {
        let configuration = Self.configurations[index]
        let seed = UInt64(Date().timeIntervalSince1970) ^ UInt64(index)
        let keys = Self.randomKeys(count: 40, seed: seed)
        var cases = keys.enumerated().map { i, key in Case(method: i % 2 == 0 ? "GET" : "PUT", key: key, expires: [1, 60, 900, 3600, 604_800][i % 5], content_type: i % 4 == 1 ? "text/plain; charset=utf-8" : nil) }
        cases.append(Case(method: "GET", key: "a//b///c", expires: 900))
        cases.append(Case(method: "PUT", key: "100% + 1 = ünïcode.txt", expires: 900, content_type: "image/png"))
        let spec = Spec(session_token: configuration.token, region: configuration.region, endpoint: configuration.endpoint, path_style: configuration.pathStyle, time: 1_700_000_000 + Int(seed % 1_000_000), cases: cases)
        let ours = try Self.ours(spec)
        let theirs = try await Self.botocore(spec)
        #expect(theirs.count == ours.count)
        for (i, pair) in zip(ours, theirs).enumerated() where pair.0 != pair.1 {
            Issue.record("\(configuration.name), seed \(seed), key \(cases[i].key.debugDescription):\n ours     \(pair.0)\n botocore \(pair.1)")
        }
    }
}

/// SplitMix64, so a failing key set can be reproduced from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
