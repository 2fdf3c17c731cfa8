import CivicCrypto
import Foundation
import Testing

/// Requests we sign, checked by our own inbox: round trips, tampering, coverage and time.
@Suite("Signing and verifying: round trips, tampering, coverage and the date window")
struct SignatureRoundTripTests {
    static let now = Date(timeIntervalSince1970: 1_795_726_800)
    static let key: RSAKeyPair = {
        do { return try RSAKeyPair(privateKeyPEM: Fixtures.rfcRSAPrivateKey) } catch { preconditionFailure("\(error)") }
    }()
    static let publicKey = PublicKeyMaterial.rsaPEM(key.publicKeyPEM)

    /// A POST to /inbox signed by `key` at `date`.
    static func signedPOST(at date: Date = now, body: String = #"{"type":"Follow"}"#) throws -> HTTPRequestParts {
        var parts = HTTPRequestParts(
            method: "POST", path: "/inbox", authority: "hub.example", scheme: "https",
            headers: [("Content-Type", "application/activity+json")], body: Data(body.utf8))
        parts.headers += try HTTPSignatureSigner(keyId: "https://a.example/actors/x#main-key", key: key).sign(parts, date: date)
        return parts
    }

    @Test("A signed POST parses, passes policy and verifies; it covers (request-target) host date digest")
    func roundTrip() throws {
        // Given a POST we signed
        let parts = try Self.signedPOST()

        // When the inbox parses it
        let parsed = try HTTPSignatureVerifier.parse(parts)

        // Then it names our key and time, and passes every check
        #expect(parsed.keyId == "https://a.example/actors/x#main-key")
        #expect(parsed.algorithm == .rsaSHA256)
        #expect(parsed.created == Self.now)
        #expect(parsed.coveredComponents == ["(request-target)", "host", "date", "digest"])
        #expect(inboxCheck(parts, key: Self.publicKey, now: Self.now) == nil)
    }

    @Test("A bodiless GET covers exactly (request-target) host date and carries no Digest")
    func bodilessGET() throws {
        // Given a GET we signed
        var get = HTTPRequestParts(method: "GET", path: "/actors/x?page=1", authority: "127.0.0.1:8080", scheme: "http", headers: [], body: Data())
        let added = try HTTPSignatureSigner(keyId: "k", key: Self.key).sign(get, date: Self.now)
        get.headers += added

        // Then there is no digest, and it verifies
        #expect(!added.contains { $0.name == "Digest" })
        let parsed = try HTTPSignatureVerifier.parse(get)
        #expect(parsed.coveredComponents == ["(request-target)", "host", "date"])
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self).hasPrefix("(request-target): get /actors/x?page=1\nhost: 127.0.0.1:8080\n"))
        #expect(inboxCheck(get, key: Self.publicKey, now: Self.now) == nil)
    }

    enum Tampering: String, CaseIterable, Sendable {
        case method, path, host, date, signatureBytes, body, bodyWithNewDigest, otherKey, keyOfOtherType

        var expectedCode: String {
            switch self {
            case .body: "digest.mismatch"
            case .keyOfOtherType: "key.invalid"
            default: "signature.invalid"
            }
        }
    }

    @Test("Tampering with any signed part fails with the code of the check that catches it", arguments: Tampering.allCases)
    func tampering(_ tampering: Tampering) throws {
        // Given a signed POST, changed in one way
        var parts = try Self.signedPOST()
        var key = Self.publicKey
        switch tampering {
        case .method: parts.method = "PUT"
        case .path: parts.path = "/actors/x/inbox"
        case .host: parts = parts.replacing("Host", with: "evil.example")
        case .date: parts = parts.replacing("Date", with: HTTPDate.string(Self.now.addingTimeInterval(1)))
        case .signatureBytes:
            let parsed = try HTTPSignatureVerifier.parse(parts)
            var bytes = parsed.signature
            bytes[bytes.startIndex] ^= 0x01
            let header = try #require(parts.header("Signature"))
            parts = parts.replacing("Signature", with: header.replacingOccurrences(of: parsed.signature.base64EncodedString(), with: bytes.base64EncodedString()))
        case .body: parts.body = Data(#"{"type":"Block"}"#.utf8)
        case .bodyWithNewDigest:
            parts.body = Data(#"{"type":"Block"}"#.utf8)
            parts = parts.replacing("Digest", with: BodyDigest.digestHeader(for: parts.body))
        case .otherKey: key = .rsaPEM(Fixtures.mastodonPublicKey)
        case .keyOfOtherType: key = .ed25519(Data(repeating: 7, count: 32))
        }

        // When the inbox checks it
        let code = inboxCheck(parts, key: key, now: Self.now)

        // Then it fails with the expected code
        #expect(code == tampering.expectedCode)
    }

    @Test("The date window: 12 h back and 1 h ahead pass, one second more fails as signature.expired", arguments: [
        (-43_200.0, nil), (-43_201.0, "signature.expired"), (3_600.0, nil), (3_601.0, "signature.expired"), (0.0, nil),
    ] as [(TimeInterval, String?)])
    func dateWindow(offset: TimeInterval, expected: String?) throws {
        // Given a POST signed `offset` seconds from now
        let parts = try Self.signedPOST(at: Self.now.addingTimeInterval(offset))

        // When the inbox checks it now
        let code = inboxCheck(parts, key: Self.publicKey, now: Self.now)

        // Then only the window passes
        #expect(code == expected)
    }

    @Test("A custom window is honoured")
    func customWindow() throws {
        // Given a POST signed five minutes ago
        let parts = try Self.signedPOST(at: Self.now.addingTimeInterval(-300))
        let parsed = try HTTPSignatureVerifier.parse(parts)

        // Then a four-minute maxAge refuses it and a six-minute one accepts it
        #expect(errorCode { try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now, maxAge: 240) } == "signature.expired")
        #expect(errorCode { try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now, maxAge: 360) } == nil)
    }

    /// A draft-cavage POST signed by `key` over `covered`, with `extra` parameters added to its Signature header.
    static func cavageRequest(covered: String, extra: String = "", algorithm: String = "rsa-sha256", body: String = "{}") throws -> HTTPRequestParts {
        let bodyData = Data(body.utf8)
        var parts = HTTPRequestParts(
            method: "POST", path: "/inbox", authority: "hub.example", scheme: "https",
            headers: [("Host", "hub.example"), ("Date", HTTPDate.string(now)), ("Digest", BodyDigest.digestHeader(for: bodyData))], body: bodyData)
        let lines = try covered.split(separator: " ").map { name -> String in
            switch name {
            case "(request-target)": return "(request-target): post /inbox"
            case "(created)": return "(created): \(Int(now.timeIntervalSince1970))"
            case "(expires)": return "(expires): \(Int(now.timeIntervalSince1970) + 60)"
            default: return "\(name): \(try #require(parts.header(String(name))))"
            }
        }
        let signature = try key.sign(Data(lines.joined(separator: "\n").utf8)).base64EncodedString()
        parts.headers.append(("Signature", #"keyId="k",algorithm="\#(algorithm)",headers="\#(covered)"\#(extra),signature="\#(signature)""#))
        return parts
    }

    @Test("Signatures that leave out the target, host, date or digest fail policy as signature.headersNotCovered", arguments: [
        "host date digest", "(request-target) date digest", "(request-target) host digest", "(request-target) host date",
    ])
    func cavageCoverage(covered: String) throws {
        // Given a correctly signed request that covers too little
        let parts = try Self.cavageRequest(covered: covered)

        // Then policy refuses it, though the signature itself is valid
        let parsed = try HTTPSignatureVerifier.parse(parts)
        #expect(errorCode { try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now) } == "signature.headersNotCovered")
        try HTTPSignatureVerifier.verify(parsed, with: Self.publicKey)
    }

    @Test("hs2019 with (created) and (expires): the key decides the algorithm and expiry is enforced")
    func hs2019() throws {
        // Given an hs2019 signature covering (created) and (expires) instead of Date
        let created = Int(Self.now.timeIntervalSince1970)
        let parts = try Self.cavageRequest(
            covered: "(request-target) host (created) (expires) digest", extra: ",created=\(created),expires=\(created + 60)", algorithm: "hs2019")

        // When it is parsed
        let parsed = try HTTPSignatureVerifier.parse(parts)

        // Then it passes now and verifies with the RSA key, fails after expiry, and fails with an Ed25519 key
        #expect(parsed.algorithm == nil)
        #expect(parsed.created == Self.now)
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self).contains("\n(created): \(created)\n(expires): \(created + 60)\n"))
        #expect(inboxCheck(parts, key: Self.publicKey, now: Self.now) == nil)
        #expect(inboxCheck(parts, key: Self.publicKey, now: Self.now.addingTimeInterval(61)) == "signature.expired")
        #expect(inboxCheck(parts, key: .ed25519(Ed25519KeyPair.generate().publicKeyRaw), now: Self.now) == "signature.invalid")
    }

    @Test("An unsigned created parameter cannot refresh an old request: the signed Date counts")
    func unsignedCreatedIgnored() throws {
        // Given a request signed 13 hours ago, replayed with created=now added to its Signature header
        let old = try Self.signedPOST(at: Self.now.addingTimeInterval(-13 * 3600))
        let header = try #require(old.header("Signature"))
        let replayed = old.replacing("Signature", with: header + ",created=\(Int(Self.now.timeIntervalSince1970))")

        // Then the covered Date still decides, and the replay is too old
        #expect(inboxCheck(replayed, key: Self.publicKey, now: Self.now) == "signature.expired")
    }

    @Test("Authorization: Signature … is read like a Signature header")
    func authorizationHeader() throws {
        // Given our signed POST with its Signature moved to Authorization
        let parts = try Self.signedPOST()
        let header = try #require(parts.header("Signature"))
        var moved = parts.removing("Signature")
        moved.headers.append(("Authorization", "Signature " + header))

        // Then it passes all checks
        #expect(inboxCheck(moved, key: Self.publicKey, now: Self.now) == nil)
    }

    @Test("RFC 9421 signatures that leave out @method, the target or content-digest fail policy", arguments: [
        #"("@target-uri" "content-digest")"#, #"("@method" "@path" "content-digest")"#, #"("@method" "@target-uri")"#,
        #"("@method" "@authority" "@path" "content-digest")"#,
    ])
    func rfc9421Coverage(components: String) throws {
        // Given a well-formed RFC 9421 signature over a request with a body
        let body = Data("{}".utf8)
        let parts = HTTPRequestParts(
            method: "POST", path: "/inbox", authority: "hub.example", scheme: "https",
            headers: [
                ("Content-Digest", BodyDigest.contentDigestHeader(for: body)),
                ("Signature-Input", "sig1=\(components);created=\(Int(Self.now.timeIntervalSince1970));keyid=\"k\""), ("Signature", "sig1=:AAAA:"),
            ],
            body: body)

        // Then policy refuses it
        let parsed = try HTTPSignatureVerifier.parse(parts)
        #expect(errorCode { try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now) } == "signature.headersNotCovered")
    }

    @Test("The signer refuses a keyId that would break the header, and a date it cannot write")
    func signerInputs() {
        // Given a GET
        let get = HTTPRequestParts(method: "GET", path: "/", authority: "hub.example", scheme: "https", headers: [], body: Data())

        // Then a quote in the keyId or a date past year 9999 is an error, not a broken header
        #expect(errorCode { _ = try HTTPSignatureSigner(keyId: #"k",algorithm="hmac"#, key: Self.key).sign(get, date: Self.now) } == "key.invalid")
        #expect(errorCode { _ = try HTTPSignatureSigner(keyId: "k", key: Self.key).sign(get, date: .distantFuture.addingTimeInterval(1e12)) } == "signature.malformed")
    }
}
