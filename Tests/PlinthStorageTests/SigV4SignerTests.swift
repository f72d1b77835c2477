import Foundation
import PlinthStorage
import Testing

/// Published SigV4 vectors: the AWS S3 documentation's examples and the aws-c-auth signing
/// suite (`tests/aws-signing-test-suite/v4`), copied here rather than fetched.
@Suite struct SigV4SignerTests {
    static let s3Example = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3"
    )
    static let suite = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service"
    )
    static let may24 = Date(timeIntervalSince1970: 1_369_353_600) // 2013-05-24T00:00:00Z
    static let aug30 = Date(timeIntervalSince1970: 1_440_938_160) // 2015-08-30T12:36:00Z

    @Test func awsPresignedGetExample() {
        let url = Self.s3Example.presignedURL(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", expires: 86400, date: Self.may24)
        #expect(url == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func awsPresignedGetCanonicalRequestHash() {
        let query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"), ("X-Amz-Date", "20130524T000000Z"), ("X-Amz-Expires", "86400"), ("X-Amz-SignedHeaders", "host")]
        let canonical = Self.s3Example.canonicalRequest(method: "GET", path: "/test.txt", query: query, headers: [("Host", "examplebucket.s3.amazonaws.com")], payloadHash: SigV4Signer.unsignedPayload)
        #expect(Self.s3Example.stringToSign(canonicalRequest: canonical.request, date: Self.may24).hasSuffix("\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"))
    }

    @Test func awsHeaderAuthGetObjectWithRange() {
        var headers = [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")]
        let signature = Self.s3Example.sign(method: "GET", path: "/test.txt", headers: &headers, date: Self.may24)
        #expect(signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.last?.1.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date") == true)
    }

    @Test func suiteGetVanillaHeader() {
        var headers = [("Host", "example.amazonaws.com")]
        let canonical = Self.suite.canonicalRequest(method: "GET", path: "/", query: [], headers: headers + [("X-Amz-Date", "20150830T123600Z")], payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(canonical.request == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Self.suite.sign(method: "GET", path: "/", headers: &headers, date: Self.aug30) == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(headers.last?.1 == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func signingKeyDerivation() {
        let iam = SigV4Signer(credentials: Self.suite.credentials, region: "us-east-1", service: "iam")
        let key = iam.signingKey(day: "20150830").withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
        #expect(key == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test(arguments: [
        ("a b", "a%20b"), ("a+b", "a%2Bb"), ("100%", "100%25"), ("é", "%C3%A9"), ("a/b", "a%2Fb"), ("~._-", "~._-"),
    ])
    func encodingFollowsRFC3986(input: String, expected: String) {
        #expect(SigV4Signer.encode(input) == expected)
    }

    @Test func s3PathsKeepSlashesAndEncodeSegmentsOnce() {
        #expect(Self.s3Example.canonicalPath("/tenants/t1/my file+%.txt") == "/tenants/t1/my%20file%2B%25.txt")
        #expect(Self.s3Example.canonicalPath("/a//b") == "/a//b")
        #expect(Self.suite.canonicalPath("/a/./b/../c") == "/a/c")
    }
}
