import CivicCrypto
import Foundation
import Testing

/// Key formats: RSA PEMs in and out, Ed25519 raw keys and Multikeys, and HTTP dates.
@Suite("Keys and encodings")
struct KeyTests {
    @Test("test-key-rsa reads the same from PKCS#1 and PKCS#8, and publishes SPKI")
    func rsaFormats() throws {
        // Given RFC 9421's test-key-rsa in both private-key formats
        let pkcs1 = try RSAKeyPair(privateKeyPEM: Fixtures.rfcRSAPrivateKey)
        let pkcs8 = try RSAKeyPair(privateKeyPEM: Fixtures.rfcRSAPrivateKeyPKCS8)

        // Then both are the same key, published as SPKI, and its output reads back
        #expect(pkcs1.publicKeyPEM == pkcs8.publicKeyPEM)
        #expect(pkcs1.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(try RSAKeyPair(privateKeyPEM: pkcs1.privateKeyPEM).publicKeyPEM == pkcs1.publicKeyPEM)
        let signature = try pkcs8.sign(Data("x".utf8))
        try PublicKeyMaterial.rsaPEM(Fixtures.rfcRSAPublicKey).verify(signature: signature, over: Data("x".utf8), algorithm: .rsaSHA256)
        try PublicKeyMaterial.rsaPEM(pkcs1.publicKeyPEM).verify(signature: signature, over: Data("x".utf8), algorithm: .rsaSHA256)
    }

    @Test("A generated RSA key is 2048 bits and round-trips through its PEM")
    func rsaGenerate() throws {
        let key = try RSAKeyPair.generate()
        let restored = try RSAKeyPair(privateKeyPEM: key.privateKeyPEM)
        #expect(restored.publicKeyPEM == key.publicKeyPEM)
        // A 2048-bit SPKI is 294 DER bytes: 392 base64 characters in 7 lines
        #expect(key.publicKeyPEM.split(separator: "\n").dropFirst().dropLast().joined().count == 392)
        #expect(try key.sign(Data()).count == 256)
    }

    @Test("Unreadable or weak RSA keys are key.invalid", arguments: [
        "", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", Fixtures.rfcRSAPublicKey,
    ])
    func rsaGarbage(pem: String) {
        #expect(errorCode { _ = try RSAKeyPair(privateKeyPEM: pem) } == "key.invalid")
        #expect(errorCode { try PublicKeyMaterial.rsaPEM(pem).verify(signature: Data([1]), over: Data(), algorithm: .rsaSHA256) }
            == (pem == Fixtures.rfcRSAPublicKey ? "signature.invalid" : "key.invalid"))
    }

    @Test("Ed25519 keys round-trip through raw bytes and Multikey")
    func ed25519() throws {
        // Given a fresh key
        let key = Ed25519KeyPair.generate()
        let restored = try Ed25519KeyPair(rawPrivateKey: key.rawPrivateKey)

        // Then it restores, its Multikey starts z6Mk and decodes to its public key, and it verifies its signatures
        #expect(restored.publicKeyRaw == key.publicKeyRaw)
        #expect(key.publicKeyMultibase.hasPrefix("z6Mk"))
        let material = try PublicKeyMaterial.ed25519(multibase: key.publicKeyMultibase)
        #expect(material == .ed25519(key.publicKeyRaw))
        try material.verify(signature: try restored.sign(Data("x".utf8)), over: Data("x".utf8), algorithm: .ed25519)
        #expect(errorCode { try material.verify(signature: try key.sign(Data("x".utf8)), over: Data("y".utf8), algorithm: .ed25519) } == "signature.invalid")
        #expect(errorCode { try material.verify(signature: Data(), over: Data(), algorithm: .rsaSHA256) } == "key.invalid")
    }

    @Test("RFC 9421's test-key-ed25519 has the Multikey an independent base58 encoder gives")
    func knownMultikey() throws {
        let raw = Fixtures.lastThirtyTwoBytes(ofBase64: Fixtures.rfcEd25519PublicKeySPKI)
        #expect(try PublicKeyMaterial.ed25519(multibase: Fixtures.rfcEd25519Multibase) == .ed25519(raw))
    }

    @Test("Ed25519 private keys of the wrong size are key.invalid", arguments: [0, 31, 33, 64])
    func ed25519Garbage(size: Int) {
        #expect(errorCode { _ = try Ed25519KeyPair(rawPrivateKey: Data(repeating: 1, count: size)) } == "key.invalid")
        #expect(errorCode { try PublicKeyMaterial.ed25519(Data(repeating: 1, count: size)).verify(signature: Data(), over: Data(), algorithm: .ed25519) } == "key.invalid")
    }

    @Test("HTTP dates format and parse as IMF-fixdate")
    func httpDates() {
        #expect(HTTPDate.string(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.string(Date(timeIntervalSince1970: 784_111_777.9)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 00:00:00 GMT") == Date(timeIntervalSince1970: 1_709_164_800))
    }

    @Test("Every instant from year 1 to 9999 parses back from its IMF-fixdate to the second, and a wrong weekday never does")
    func httpDatesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        // Random instants over the whole range, and each day around the turn of four leap-rule years.
        let random = (0..<5_000).map { _ in TimeInterval.random(in: HTTPDate.range, using: &generator) }
        let turns = [1600, 1900, 2000, 2100].flatMap { year -> [TimeInterval] in
            let start = TimeInterval(year - 1970) * 365.2425 * 86_400
            return (-70...70).map { start + TimeInterval($0) * 86_400 + 43_210 }
        }
        for interval in random + turns {
            let text = HTTPDate.string(Date(timeIntervalSince1970: interval))
            #expect(HTTPDate.parse(text) == Date(timeIntervalSince1970: interval.rounded(.down)), "\(text)")
            let weekday = try #require(HTTPDate.days.firstIndex(of: String(text.prefix(3))))
            let wrong = HTTPDate.days[(weekday + 1) % 7] + text.dropFirst(3)
            #expect(HTTPDate.parse(wrong) == nil, "\(wrong)")
        }
    }

    @Test("Anything but an exact IMF-fixdate is refused", arguments: [
        "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT", "",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Mon, 06 Nov 1994 08:49:37 GMT", "Sat, 31 Feb 2024 00:00:00 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
        "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun, +6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:60 GMT", "Sun, 06 Nov 1994 8:49:037 GMT",
    ])
    func httpDateGarbage(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }
}
