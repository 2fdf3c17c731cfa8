import CivicCrypto
import Foundation
import Testing

@Suite("Signature parsing and policy with hostile input")
struct SignatureParserTests {
    static let now = Date(timeIntervalSince1970: 1_795_726_800)

    static func request(headers: [(String, String)], body: String = "{}") -> HTTPRequestParts {
        HTTPRequestParts(method: "POST", path: "/inbox", authority: "hub.example", scheme: "https", headers: headers, body: Data(body.utf8))
    }

    static func signed(at date: Date, body: String = "{\"a\":1}") throws -> (HTTPRequestParts, RSAKeyPair) {
        let key = try RSAKeyPair.generate()
        var parts = request(headers: [("Content-Type", "application/activity+json")], body: body)
        let added = try HTTPSignatureSigner(keyId: "https://a.example/actors/x#main-key", key: key).sign(parts, date: date)
        parts.headers += added
        return (parts, key)
    }

    @Test("Our signer's output parses, passes policy and verifies; a bodiless GET covers no digest")
    func roundTrip() throws {
        let (parts, key) = try Self.signed(at: Self.now)
        let parsed = try HTTPSignatureVerifier.parse(parts)
        #expect(parsed.coveredComponents == ["(request-target)", "host", "date", "digest"])
        try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now)
        try HTTPSignatureVerifier.verify(parsed, with: .rsaPEM(key.publicKeyPEM))

        var get = HTTPRequestParts(method: "GET", path: "/actors/x", authority: "hub.example", scheme: "https", headers: [], body: Data())
        get.headers += try HTTPSignatureSigner(keyId: "k", key: key).sign(get, date: Self.now)
        let parsedGet = try HTTPSignatureVerifier.parse(get)
        #expect(parsedGet.coveredComponents == ["(request-target)", "host", "date"])
        try HTTPSignatureVerifier.checkPolicy(parsedGet, parts: get, now: Self.now)
        try HTTPSignatureVerifier.verify(parsedGet, with: .rsaPEM(key.publicKeyPEM))
    }

    @Test("The date window is 12 hours back and 1 hour ahead, to the second")
    func dateWindow() throws {
        let cases: [(TimeInterval, Bool)] = [(-43_199, true), (-43_201, false), (3599, true), (3601, false)]
        for (offset, accepted) in cases {
            let (parts, _) = try Self.signed(at: Self.now.addingTimeInterval(offset))
            let parsed = try HTTPSignatureVerifier.parse(parts)
            if accepted {
                #expect(throws: Never.self) { try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now) }
            } else {
                #expect(throws: CryptoError.self) { try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now) }
            }
        }
    }

    @Test("Signatures that leave out the target, host or digest fail policy", arguments: [
        "host date digest", "(request-target) date digest", "(request-target) host digest", "(request-target) host date",
    ])
    func coverage(headers: String) throws {
        let key = try RSAKeyPair.generate()
        let body = Data("{}".utf8)
        let parts = Self.request(headers: [
            ("Date", HTTPDate.string(Self.now)), ("Host", "hub.example"), ("Digest", BodyDigest.digestHeader(for: body)),
            ("Signature", #"keyId="k",algorithm="rsa-sha256",headers="\#(headers)",signature="\#(try key.sign(Data("x".utf8)).base64EncodedString())""#),
        ])
        let parsed = try HTTPSignatureVerifier.parse(parts)
        #expect(throws: CryptoError.self) { try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: Self.now) }
    }

    @Test("Malformed Signature headers are refused without a crash", arguments: [
        "", "garbage", "keyId=", "keyId=\"k\"", "keyId=\"k\",signature=\"not base64!\"", "keyId=\"k,signature=\"AAAA\"",
        "keyId=\"k\",keyId=\"j\",signature=\"AAAA\"", "keyId=\"k\",signature=\"AAAA\",algorithm=\"rsa-sha512\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"x-missing\"", "keyId=\"k\",signature=\"AAAA\",created=abc",
        "keyId=\"k\",signature=\"AAAA\",created=1e300", "=\"x\"", ",,,,", "keyId=\"k\";signature=\"AAAA\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"(created)\"", String(repeating: "a", count: 10_000),
        "keyId=\"k\",signature=\"AAAA\",headers=\"" + String(repeating: "date ", count: 40) + "\"",
    ])
    func malformedCavage(header: String) {
        let parts = Self.request(headers: [("Date", HTTPDate.string(Self.now)), ("Signature", header)])
        #expect(throws: CryptoError.self) { try HTTPSignatureVerifier.parse(parts) }
    }

    @Test("Malformed RFC 9421 headers are refused without a crash", arguments: [
        ("sig1=(\"@method\";created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig1=:not base64:"),
        ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig2=:AAAA:"), ("sig1=(\"@method\");created=1", "sig1=:AAAA:"),
        ("sig1=(\"@method\");created=\"x\";keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@bogus\");created=1;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"@method\" \"@method\");created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"Content-Type\");created=1;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"@method\");created=1;keyid=\"k\";alg=\"hmac-sha256\"", "sig1=:AAAA:"), ("sig1=\"@method\"", "sig1=:AAAA:"),
        ("", ""), ("sig1=(", "sig1=:"), ("SIG=(\"@method\");keyid=\"k\"", "SIG=:AAAA:"),
        ("sig1=(\"@method\");created=99999999999999999999;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"x-missing\");created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@method\";sf);created=1;keyid=\"k\"", "sig1=:AAAA:"),
    ])
    func malformedRFC9421(input: String, signature: String) {
        let parts = Self.request(headers: [("Signature-Input", input), ("Signature", signature)])
        #expect(throws: CryptoError.self) { try HTTPSignatureVerifier.parse(parts) }
    }

    @Test("An unsigned request is refused as missing")
    func missing() {
        #expect(throws: CryptoError("signature.missing", "the request is not signed")) {
            try HTTPSignatureVerifier.parse(Self.request(headers: []))
        }
    }

    @Test("Digest and Content-Digest: SHA-256 and SHA-512 verify; mismatch, unknown and garbage fail")
    func digests() throws {
        let body = Data("hello".utf8)
        try BodyDigest.verifyDigestHeader(BodyDigest.digestHeader(for: body), body: body)
        try BodyDigest.verifyDigestHeader("sha-512=m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==", body: body)
        try BodyDigest.verifyContentDigestHeader(BodyDigest.contentDigestHeader(for: body), body: body)
        let failures = ["SHA-256=" + Data(repeating: 0, count: 32).base64EncodedString(), "MD5=XUFAKrxLKna5cZ2REBfFkg==", "SHA-256", "SHA-256=%%%"]
        for header in failures {
            #expect(throws: CryptoError.self) { try BodyDigest.verifyDigestHeader(header, body: body) }
        }
        for header in ["sha-256=:AAAA:", "md5=:XUFAKrxLKna5cZ2REBfFkg==:", "sha-256=abc", "(", ""] {
            #expect(throws: CryptoError.self) { try BodyDigest.verifyContentDigestHeader(header, body: body) }
        }
    }

    @Test("Multikeys round-trip; garbage multibase is refused", arguments: ["", "z", "zzzz", "f6Mk", "z0OIl", "z6Mk" + String(repeating: "1", count: 200)])
    func multibase(garbage: String) throws {
        let key = Ed25519KeyPair.generate()
        #expect(key.publicKeyMultibase.hasPrefix("z6Mk"))
        #expect(try PublicKeyMaterial.ed25519(multibase: key.publicKeyMultibase) == .ed25519(Data(try Ed25519KeyPair(rawPrivateKey: key.rawPrivateKey).publicKeyRaw)))
        #expect(throws: CryptoError.self) { try PublicKeyMaterial.ed25519(multibase: garbage) }
    }

    @Test("Keys survive a PEM round trip, and garbage PEM is refused")
    func keys() throws {
        let key = try RSAKeyPair.generate()
        let restored = try RSAKeyPair(privateKeyPEM: key.privateKeyPEM)
        #expect(restored.publicKeyPEM == key.publicKeyPEM)
        #expect(throws: CryptoError.self) { try RSAKeyPair(privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----") }
        #expect(throws: CryptoError.self) { try Ed25519KeyPair(rawPrivateKey: Data([1, 2, 3])) }
        #expect(throws: CryptoError.self) {
            try PublicKeyMaterial.rsaPEM("not a key").verify(signature: Data([1]), over: Data(), algorithm: .rsaSHA256)
        }
    }

    @Test("HTTP dates format and parse strictly")
    func httpDates() {
        #expect(HTTPDate.string(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        for bad in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT", "", "Sun, 06 Nov 1994 25:49:37 GMT"] {
            #expect(HTTPDate.parse(bad) == nil, "\(bad)")
        }
    }
}
