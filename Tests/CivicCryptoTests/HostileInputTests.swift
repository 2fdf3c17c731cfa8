import CivicCrypto
import Foundation
import Testing

/// Parsers facing hostile input: every bad header throws a `CryptoError`, none crashes or hangs.
@Suite("Hostile input: malformed signatures, structured fields and multibase")
struct HostileInputTests {
    static let now = Date(timeIntervalSince1970: 1_795_726_800)

    static func request(_ headers: [(String, String)]) -> HTTPRequestParts {
        HTTPRequestParts(
            method: "POST", path: "/inbox", authority: "hub.example", scheme: "https",
            headers: [("Date", HTTPDate.string(now))] + headers.map { (name: $0.0, value: $0.1) }, body: Data("{}".utf8))
    }

    @Test("Header lookup ignores ASCII case only, trims spaces and tabs, joins repeats, and falls back to the authority for Host")
    func headerLookup() {
        let parts = Self.request([
            ("DIGEST", " \tSHA-256=abc \t"), ("x-Repeated", "one"), ("X-REPEATED", "two"), ("x-@", "at"), ("Café", "é"), ("Blank", "  "),
        ])
        #expect(parts.header("digest") == "SHA-256=abc")
        #expect(parts.header("x-repeated") == "one, two")
        // Only letters fold: '@' (0x40) and '`' (0x60) differ by the case bit but are different bytes.
        #expect(parts.header("x-@") == "at")
        #expect(parts.header("x-`") == nil)
        #expect(parts.header("CAFÉ") == nil)
        #expect(parts.header("blank") == "")
        #expect(parts.header("digest2") == nil)
        #expect(parts.header("HOST") == "hub.example")
        #expect(Self.request([("Host", "other.example")]).header("host") == "other.example")
    }

    @Test("An unsigned request is signature.missing")
    func missing() {
        // Given requests with no signature header, or an Authorization of another scheme
        let unsigned = Self.request([])
        let bearer = Self.request([("Authorization", "Bearer abc")])

        // Then both are missing, not malformed
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(unsigned) } == "signature.missing")
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(bearer) } == "signature.missing")
    }

    @Test("Malformed draft-cavage Signature headers are signature.malformed", arguments: [
        "", "   ", "garbage", "keyId=", "keyId=\"k\"", "keyId=\"\",signature=\"AAAA\"", "keyId=\"k\",signature=\"not base64!\"",
        "keyId=\"k\",signature=\"\"", "keyId=\"k,signature=\"AAAA\"", "keyId=\"k\",signature=\"AAAA", "keyId=\"k\",keyId=\"j\",signature=\"AAAA\"",
        "keyId=\"k\",KEYID=\"j\",signature=\"AAAA\"", "keyId=\"k\",signature=\"AAAA\",headers=\"x-missing\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"\"", "keyId=\"k\",signature=\"AAAA\",created=abc", "keyId=\"k\",signature=\"AAAA\",created=1e300",
        "keyId=\"k\",signature=\"AAAA\",created=1.2.3", "keyId=\"k\",signature=\"AAAA\",created=99999999999999999999",
        "=\"x\"", ",,,,", "keyId=\"k\";signature=\"AAAA\"", "keyId=\"k\",signature=\"AAAA\",", "keyId=\"k\" signature=\"AAAA\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"(created)\"", "keyId=\"k\",signature=\"AAAA\",headers=\"(expires)\"",
        "keyId=\"k\u{0}\",signature=\"AAAA\"", "kéyId=\"k\",signature=\"AAAA\"", "keyId=\"k\",signature=\"AAAA\",headers=\"date\",headers=\"date\"",
        String(repeating: "a", count: 10_000), "keyId=\"" + String(repeating: "k", count: 100_000) + "\",signature=\"AAAA\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"" + String(repeating: "date ", count: 40) + "\"",
        String(repeating: "\"", count: 5_000), String(repeating: "keyId=\"k\",", count: 2_000),
    ])
    func malformedCavage(header: String) {
        // Given a request whose Signature header is broken
        let parts = Self.request([("Signature", header)])

        // Then parsing throws signature.malformed
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(parts) } == "signature.malformed")
    }

    @Test("Named algorithms we do not check are signature.algorithmUnsupported", arguments: ["rsa-sha512", "hmac-sha256", "ecdsa-sha256", "RSA-SHA1"])
    func unsupportedCavage(algorithm: String) {
        // Given a well-formed header naming another algorithm
        let parts = Self.request([("Signature", "keyId=\"k\",algorithm=\"\(algorithm)\",signature=\"AAAA\"")])

        // Then it is refused before any key fetch
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(parts) } == "signature.algorithmUnsupported")
    }

    @Test("A covered Date that is not an IMF-fixdate is signature.malformed", arguments: [
        "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "yesterday", "Thu, 26 Nov 2026 21:00:00 +0000",
    ])
    func badDate(date: String) {
        // Given a signature that covers a Date header in another format
        let parts = Self.request([("Signature", "keyId=\"k\",headers=\"date\",signature=\"AAAA\"")]).replacing("Date", with: date)

        // Then parsing refuses it rather than guessing
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(parts) } == "signature.malformed")
    }

    @Test("Malformed RFC 9421 Signature-Input / Signature pairs are signature.malformed", arguments: [
        ("sig1=(\"@method\";created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig1=:not base64:"),
        ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig2=:AAAA:"), ("sig1=(\"@method\");created=1", "sig1=:AAAA:"),
        ("sig1=(\"@method\");created=\"x\";keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@bogus\");created=1;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"@method\" \"@method\");created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"Content-Type\");created=1;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=\"@method\"", "sig1=:AAAA:"), ("", ""), ("sig1=(", "sig1=:"), ("SIG=(\"@method\");keyid=\"k\"", "SIG=:AAAA:"),
        ("sig1=(\"@method\");created=99999999999999999999;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@method\");created=1.5;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"x-missing\");created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@method\";sf);created=1;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"@method\");created=1;keyid=k", "sig1=:AAAA:"), ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig1=(\"x\")"),
        ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig1=::"), ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig1=:AAAA"),
        ("sig1=(\"@method\");created=1;keyid=\"k\",", "sig1=:AAAA:"), ("sig1=(\"@method\");created=1;keyid=\"k\\x\"", "sig1=:AAAA:"),
        ("sig1=(\"@méthod\");created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@method\"\t\"@path\");created=1;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"@method\");created=-;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@method\");created=1.;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"@query-param\";name=\"a\");created=1;keyid=\"k\"", "sig1=:AAAA:"), ("sig1=(\"@status\");created=1;keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(" + String(repeating: "\"a\" ", count: 100) + ");keyid=\"k\"", "sig1=:AAAA:"),
        ("sig1=(\"@method\");keyid=\"" + String(repeating: "k", count: 9_000) + "\"", "sig1=:AAAA:"),
        ("sig1=(\"@method\");created=1;keyid=\"k\"", "sig1=:" + String(repeating: "A", count: 20_000) + ":"),
        (String(repeating: "(", count: 5_000), "sig1=:AAAA:"), (String(repeating: "a=1,", count: 1_000), "a=:AAAA:"),
    ])
    func malformedRFC9421(input: String, signature: String) {
        // Given a request with broken Signature-Input / Signature
        let parts = Self.request([("Signature-Input", input), ("Signature", signature)])

        // Then parsing throws signature.malformed
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(parts) } == "signature.malformed")
    }

    @Test("Signature-Input without Signature is signature.malformed")
    func inputWithoutSignature() {
        let parts = Self.request([("Signature-Input", #"sig1=("@method");created=1;keyid="k""#)])
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(parts) } == "signature.malformed")
    }

    @Test("Thousands of random structured-field-like headers never crash or hang the parsers")
    func randomInput() {
        // Given a fixed-seed generator over the bytes that matter to the parsers
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array(#"sig1=()"@;:,. -*?0159aAzZkeyidcreatedalgmethod/+\"#.unicodeScalars)
        var outcomes = (parsed: 0, refused: 0)

        // When 3,000 random pairs of headers are parsed under both schemes
        for round in 0..<3_000 {
            let length = Int(next() % 80)
            let text = String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }))
            let headers = round % 2 == 0 ? [("Signature-Input", text), ("Signature", text)] : [("Signature", text)]
            switch errorCode({ _ = try HTTPSignatureVerifier.parse(Self.request(headers)) }) {
            case nil: outcomes.parsed += 1
            case let code?: if code.hasPrefix("signature.") { outcomes.refused += 1 }
            }
        }

        // Then every one either parsed or was refused with a signature.* code
        #expect(outcomes.parsed + outcomes.refused == 3_000)
    }

    @Test("Garbage multibase is key.invalid", arguments: [
        "", "z", "zzzz", "f6Mk", "z0OIl", "Z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do",
        "z6Mk" + String(repeating: "1", count: 200), "z" + String(repeating: "z", count: 50_000), "z6Mk\u{0}", "z6Mkü",
    ])
    func multibase(garbage: String) {
        // Then every malformed Multikey is refused
        #expect(errorCode { _ = try PublicKeyMaterial.ed25519(multibase: garbage) } == "key.invalid")
    }

    @Test("A Multikey of another key type (secp256k1, prefix 0xe7 0x01) is key.invalid")
    func otherMultikeyType() throws {
        // Given a did:key-style secp256k1 Multikey (0xe7 0x01 and a 33-byte compressed key)
        let secp256k1 = "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"

        // Then it is refused
        #expect(errorCode { _ = try PublicKeyMaterial.ed25519(multibase: secp256k1) } == "key.invalid")
    }
}
