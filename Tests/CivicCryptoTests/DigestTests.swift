import CivicCrypto
import Foundation
import Testing

/// Body digests: draft-cavage `Digest` and RFC 9530 `Content-Digest`.
@Suite("Body digests: Digest and Content-Digest")
struct DigestTests {
    static let body = Data("hello".utf8)
    // SHA-256 and SHA-512 of "hello", computed independently with Python's hashlib
    static let sha256 = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
    static let sha512 = "m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=="
    static let zeros = Data(repeating: 0, count: 32).base64EncodedString()

    @Test("We write SHA-256 digests in both syntaxes")
    func writing() {
        #expect(BodyDigest.digestHeader(for: Self.body) == "SHA-256=" + Self.sha256)
        #expect(BodyDigest.contentDigestHeader(for: Self.body) == "sha-256=:" + Self.sha256 + ":")
    }

    @Test("Digest values that match the body pass", arguments: [
        "SHA-256=" + sha256, "sha-256=" + sha256, "SHA-512=" + sha512, "SHA-256=\(sha256),SHA-512=\(sha512)",
        "SHA-256=\(sha256), SHA-512=\(sha512)", "MD5=XUFAKrxLKna5cZ2REBfFkg==,SHA-256=\(sha256)",
        " SHA-256=\(sha256) ,\tSHA-512=\(sha512)\t",
    ])
    func digestPasses(header: String) throws {
        try BodyDigest.verifyDigestHeader(header, body: Self.body)
    }

    @Test("Digest values that do not fit the body fail with their code", arguments: [
        ("SHA-256=" + zeros, "digest.mismatch"), ("SHA-256=\(sha256),SHA-512=\(zeros)", "digest.mismatch"),
        ("MD5=XUFAKrxLKna5cZ2REBfFkg==", "digest.unsupported"), ("SHA-1=qvTGHdzF6KLavt4PO0gs2a6pQ00=", "digest.unsupported"),
        ("", "digest.unsupported"), ("SHA-256", "digest.malformed"), ("SHA-256=%%%", "digest.malformed"),
        ("SHA-256=" + String(repeating: "A", count: 10_000), "digest.malformed"),
    ])
    func digestFails(header: String, code: String) {
        #expect(errorCode { try BodyDigest.verifyDigestHeader(header, body: Self.body) } == code)
    }

    @Test("Content-Digest values that match the body pass", arguments: [
        "sha-256=:\(sha256):", "sha-512=:\(sha512):", "sha-256=:\(sha256):, sha-512=:\(sha512):", "md5=:XUFAKrxLKna5cZ2REBfFkg==:, sha-256=:\(sha256):",
    ])
    func contentDigestPasses(header: String) throws {
        try BodyDigest.verifyContentDigestHeader(header, body: Self.body)
    }

    @Test("Content-Digest values that do not fit the body fail with their code", arguments: [
        ("sha-256=:\(zeros):", "digest.mismatch"), ("sha-256=:AAAA:", "digest.mismatch"), ("md5=:XUFAKrxLKna5cZ2REBfFkg==:", "digest.unsupported"),
        ("sha-256=abc", "digest.malformed"), ("sha-256=(:\(sha256):)", "digest.malformed"), ("SHA-256=:\(sha256):", "digest.malformed"),
        ("(", "digest.malformed"), ("", "digest.malformed"), ("sha-256=:\(sha256)", "digest.malformed"),
    ])
    func contentDigestFails(header: String, code: String) {
        #expect(errorCode { try BodyDigest.verifyContentDigestHeader(header, body: Self.body) } == code)
    }

    @Test("RFC 9421 B.2's Content-Digest (sha-512) matches its body")
    func rfcExample() throws {
        try BodyDigest.verifyContentDigestHeader(Fixtures.rfcContentDigest, body: Fixtures.rfcBody)
        #expect(errorCode { try BodyDigest.verifyContentDigestHeader(Fixtures.rfcContentDigest, body: Data()) } == "digest.mismatch")
    }
}
