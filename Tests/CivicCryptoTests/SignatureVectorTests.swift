import CivicCrypto
import Foundation
import Testing

/// Requests signed by other implementations, verified byte for byte.
@Suite("HTTP signature test vectors")
struct SignatureVectorTests {
    // RFC 9421 Appendix B.1.4, test-key-ed25519 (public key, SPKI DER in base64).
    static let rfcEd25519PublicKey = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="
    static let rfcB26Input = #"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#
    static let rfcB26Signature = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"

    // RFC 9421 Appendix B.2 test-request (its body is the 18 bytes {"hello": "world"}).
    static func rfcTestRequest() -> HTTPRequestParts {
        HTTPRequestParts(
            method: "POST", path: "/foo?param=Value&Pet=dog", authority: "example.com", scheme: "https",
            headers: [
                ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"), ("Content-Type", "application/json"),
                ("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
                ("Content-Length", "18"), ("Signature-Input", rfcB26Input), ("Signature", rfcB26Signature),
            ],
            body: Data(#"{"hello": "world"}"#.utf8))
    }

    @Test("RFC 9421 B.2.6: the published ed25519 signature verifies over the rebuilt signature base")
    func rfc9421Ed25519() throws {
        let request = Self.rfcTestRequest()
        let parsed = try HTTPSignatureVerifier.parse(request)
        #expect(parsed.scheme == .rfc9421)
        #expect(parsed.keyId == "test-key-ed25519")
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@authority": example.com
            "content-type": application/json
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
            """)
        let der = try #require(Data(base64Encoded: Self.rfcEd25519PublicKey))
        let key = PublicKeyMaterial.ed25519(der.suffix(32))
        try HTTPSignatureVerifier.verify(parsed, with: key)

        // Tampering with any covered part breaks it
        var tampered = request
        tampered.authority = "example.org"
        #expect(throws: CryptoError.self) { try HTTPSignatureVerifier.verify(try HTTPSignatureVerifier.parse(tampered), with: key) }
        // The Content-Digest of the example body is right (RFC 9530 sha-512)
        try BodyDigest.verifyContentDigestHeader(try #require(request.header("content-digest")), body: request.body)
    }

    @Test("RFC 9421: the B.2.6 signature is refused by our policy, which requires @target-uri and content-digest")
    func rfc9421Coverage() throws {
        let request = Self.rfcTestRequest()
        let parsed = try HTTPSignatureVerifier.parse(request)
        do {
            try HTTPSignatureVerifier.checkPolicy(parsed, parts: request, now: Date(timeIntervalSince1970: 1_618_884_480))
            Issue.record("accepted a signature that covers neither @target-uri nor content-digest")
        } catch let error as CryptoError {
            #expect(error.code == "signature.headersNotCovered")
        }
    }

    @Test("RFC 9421 with an Ed25519 key we generate: a fully covered request passes policy and verification")
    func rfc9421RoundTrip() throws {
        let key = Ed25519KeyPair.generate()
        let body = Data(#"{"type":"Follow"}"#.utf8)
        let created = 1_795_726_800
        let input = #"sig1=("@method" "@target-uri" "content-digest");created=\#(created);keyid="https://a.example/actors/x#ed25519-key";alg="ed25519""#
        var request = HTTPRequestParts(
            method: "POST", path: "/inbox", authority: "hub.example", scheme: "https",
            headers: [("Content-Digest", BodyDigest.contentDigestHeader(for: body)), ("Signature-Input", input)], body: body)
        let base = """
            "@method": POST
            "@target-uri": https://hub.example/inbox
            "content-digest": \(BodyDigest.contentDigestHeader(for: body))
            "@signature-params": ("@method" "@target-uri" "content-digest");created=\(created);keyid="https://a.example/actors/x#ed25519-key";alg="ed25519"
            """
        request.headers.append(("Signature", "sig1=:\(try key.sign(Data(base.utf8)).base64EncodedString()):"))
        let parsed = try HTTPSignatureVerifier.parse(request)
        try HTTPSignatureVerifier.checkPolicy(parsed, parts: request, now: Date(timeIntervalSince1970: TimeInterval(created + 5)))
        try HTTPSignatureVerifier.verify(parsed, with: try PublicKeyMaterial.ed25519(multibase: key.publicKeyMultibase))
        // An RSA key cannot verify an ed25519 signature
        #expect(throws: CryptoError.self) {
            try HTTPSignatureVerifier.verify(parsed, with: .rsaPEM(try RSAKeyPair.generate().publicKeyPEM))
        }
    }

    // A Mastodon-style Follow signed by Python's `cryptography` package (RSA-2048, PKCS#1 v1.5,
    // SHA-256) over "(request-target) host date digest", recorded once.
    static let mastodonPublicKey = """
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAigSZ6nEhjsotybnaCx0K
ynnyhg63c3EBP9SynOIqIGmWhTgFWczereYEOoXiuCd8MNc3nO7V3T5cp7n17kRb
iiX75G6jq3LkMLV5Ou2KyW7Qmm0EoCyA6oVYWbul1W6ZUsoX8DteBNUODnkSypQU
VaEojuyWZxzQqiEY45GExAyG1hP+uo3Kmwf3QXO+5RlDkVGVgdlWUJ6X1O88h0q+
3GnUGMZ8W+/JGiNPnkWxq1GQSeTsTNDtffMEopcA2AQXPuveTUjZLrBY9A8y0fQ8
4qDI3tGW53nJNGiktA3R8EHlDtr+nPod0L/GeYIzfuFfBI4VDYl9mkJgyaUk5QWx
nQIDAQAB
-----END PUBLIC KEY-----
"""
    static let mastodonBody = #"{"@context":"https://www.w3.org/ns/activitystreams","id":"https://mastodon.example/users/alice#follows/1","type":"Follow","actor":"https://mastodon.example/users/alice","object":"https://hub.example/actors/alpha"}"#
    static let mastodonSignature = "hDVa7KRkLw8II8KAFICbAbEe41CB7PKsZllmcljwuhBkQY4QG9mIzyI5MzIMGQlo49QRuUBu6bS65xi7JiB6ZUnXanRiTrVuNW6NLf4+Tt2ZswAiaSt6YtdAm/HA6fNhVNPVI4mF5uzkWd/xrdwGXZXKbdoYfRTPTjhY49ROqoMJ9D06l767Gf2YO9Qvk7Jvwlt5UXW1/bbdoyn04/kdo4CmIl/N/72BazkUtkLoEOs3axSY3qjC+0MPSmhsAr1icEituqEOS01m2bqOySUjujLAJ92GGTyfut74xwexbjCMiQGcrfOPavRl8PukraUY3oToBxByV5tDejdxLWYP4Q=="
    static let mastodonDate = Date(timeIntervalSince1970: 1_795_726_800)

    static func mastodonRequest() -> HTTPRequestParts {
        HTTPRequestParts(
            method: "POST", path: "/actors/alpha/inbox", authority: "hub.example", scheme: "https",
            headers: [
                ("Date", "Thu, 26 Nov 2026 21:00:00 GMT"), ("Digest", "SHA-256=U7SLltmJAKdy2Dh76Sea5Vc+xf4/YuuCtM707suyvzg="),
                ("Content-Type", "application/activity+json"),
                ("Signature", #"keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="\#(mastodonSignature)""#),
            ],
            body: Data(mastodonBody.utf8))
    }

    @Test("A recorded Mastodon-style request verifies, with the exact signing string")
    func mastodonStyle() throws {
        let request = Self.mastodonRequest()
        let parsed = try HTTPSignatureVerifier.parse(request)
        #expect(parsed.scheme == .draftCavage)
        #expect(parsed.keyId == "https://mastodon.example/users/alice#main-key")
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == """
            (request-target): post /actors/alpha/inbox
            host: hub.example
            date: Thu, 26 Nov 2026 21:00:00 GMT
            digest: SHA-256=U7SLltmJAKdy2Dh76Sea5Vc+xf4/YuuCtM707suyvzg=
            """)
        try HTTPSignatureVerifier.checkPolicy(parsed, parts: request, now: Self.mastodonDate.addingTimeInterval(60))
        try HTTPSignatureVerifier.verify(parsed, with: .rsaPEM(Self.mastodonPublicKey))
    }

    @Test("The recorded request fails when the path, host, body or key is changed")
    func mastodonTampering() throws {
        let key = PublicKeyMaterial.rsaPEM(Self.mastodonPublicKey)
        var path = Self.mastodonRequest()
        path.path = "/inbox"
        #expect(throws: CryptoError.self) { try HTTPSignatureVerifier.verify(try HTTPSignatureVerifier.parse(path), with: key) }
        var host = Self.mastodonRequest()
        host.authority = "other.example"
        #expect(throws: CryptoError.self) { try HTTPSignatureVerifier.verify(try HTTPSignatureVerifier.parse(host), with: key) }
        var body = Self.mastodonRequest()
        body.body = Data("{}".utf8)
        let parsed = try HTTPSignatureVerifier.parse(body)
        #expect(throws: CryptoError("digest.mismatch", "Digest does not match the body")) {
            try HTTPSignatureVerifier.checkPolicy(parsed, parts: body, now: Self.mastodonDate)
        }
        let otherKey = try RSAKeyPair.generate()
        #expect(throws: CryptoError.self) {
            try HTTPSignatureVerifier.verify(try HTTPSignatureVerifier.parse(Self.mastodonRequest()), with: .rsaPEM(otherKey.publicKeyPEM))
        }
    }
}
