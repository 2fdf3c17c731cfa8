import CivicCrypto
import Foundation
import Testing

/// draft-cavage-12 signatures made by other implementations, verified byte for byte.
@Suite("draft-cavage vectors: the draft's Appendix C and a recorded Mastodon-style request")
struct DraftCavageVectorTests {
    @Test("C.2 Basic Test: our signing string is the draft's, and its published signature checks out")
    func basicTest() throws {
        // Given the draft's example request signed over (request-target) host date
        let request = Fixtures.cavageRequest(signature: Fixtures.cavageC2Signature)

        // When it is parsed
        let parsed = try HTTPSignatureVerifier.parse(request)

        // Then the signing string is the one printed in the draft, and the published signature
        // is valid over it under the draft's key (checked by test-only arithmetic: the key has 1024 bits)
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == """
            (request-target): post /foo?param=value&pet=dog
            host: example.com
            date: Sun, 05 Jan 2014 21:31:40 GMT
            """)
        #expect(parsed.keyId == "Test")
        #expect(parsed.algorithm == .rsaSHA256)
        #expect(parsed.created == HTTPDate.parse("Sun, 05 Jan 2014 21:31:40 GMT"))
        let key = try LegacyRSA.publicKey(spkiPEM: Fixtures.cavagePublicKey)
        #expect(LegacyRSA.isValid(signature: parsed.signature, sha256: sha256(parsed.signatureBase), key: key))
        // The arithmetic can say no: one changed byte of the signing string fails
        #expect(!LegacyRSA.isValid(signature: parsed.signature, sha256: sha256(parsed.signatureBase + Data(" ".utf8)), key: key))
    }

    @Test("C.1 Default Test: without a headers parameter only the Date is signed, and the signature checks out")
    func defaultTest() throws {
        // Given the draft's default example (no headers parameter)
        let parsed = try HTTPSignatureVerifier.parse(Fixtures.cavageRequest(signature: Fixtures.cavageC1Signature))

        // Then the signing string is the date line alone, and the published signature is valid over it
        #expect(parsed.coveredComponents == ["date"])
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == "date: Sun, 05 Jan 2014 21:31:40 GMT")
        let key = try LegacyRSA.publicKey(spkiPEM: Fixtures.cavagePublicKey)
        #expect(LegacyRSA.isValid(signature: parsed.signature, sha256: sha256(parsed.signatureBase), key: key))
    }

    @Test("The draft's 1024-bit key is refused by production verification as key.invalid")
    func weakKeyRefused() throws {
        // Given the C.2 request and the draft's 1024-bit key
        let parsed = try HTTPSignatureVerifier.parse(Fixtures.cavageRequest(signature: Fixtures.cavageC2Signature))

        // When it is verified with production code
        let code = errorCode { try HTTPSignatureVerifier.verify(parsed, with: .rsaPEM(Fixtures.cavagePublicKey)) }

        // Then the key is refused, not the signature
        #expect(code == "key.invalid")
    }

    @Test("A recorded Mastodon-style Follow parses, passes policy and verifies, with the exact signing string")
    func mastodonStyle() throws {
        // Given the recorded request
        let request = Fixtures.mastodonRequest()

        // When it is parsed
        let parsed = try HTTPSignatureVerifier.parse(request)

        // Then everything Mastodon signs is covered, and the signature verifies a minute later
        #expect(parsed.scheme == .draftCavage)
        #expect(parsed.keyId == "https://mastodon.example/users/alice#main-key")
        #expect(parsed.algorithm == .rsaSHA256)
        #expect(parsed.coveredComponents == ["(request-target)", "host", "date", "digest"])
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == """
            (request-target): post /actors/alpha/inbox
            host: hub.example
            date: Thu, 26 Nov 2026 21:00:00 GMT
            digest: SHA-256=U7SLltmJAKdy2Dh76Sea5Vc+xf4/YuuCtM707suyvzg=
            """)
        try HTTPSignatureVerifier.checkPolicy(parsed, parts: request, now: Fixtures.mastodonDate.addingTimeInterval(60))
        try HTTPSignatureVerifier.verify(parsed, with: .rsaPEM(Fixtures.mastodonPublicKey))
    }

    @Test("The recorded request fails with the right code when any signed part or the key changes")
    func mastodonTampering() throws {
        // Given the recorded request and its key
        let key = PublicKeyMaterial.rsaPEM(Fixtures.mastodonPublicKey)
        let now = Fixtures.mastodonDate.addingTimeInterval(60)
        var method = Fixtures.mastodonRequest()
        method.method = "PUT"
        var path = Fixtures.mastodonRequest()
        path.path = "/inbox"
        var body = Fixtures.mastodonRequest()
        body.body = Data("{}".utf8)
        let newBody = Data("{}".utf8)
        var bodyAndDigest = Fixtures.mastodonRequest().replacing("Digest", with: BodyDigest.digestHeader(for: newBody))
        bodyAndDigest.body = newBody

        // Then each change is caught by the check that owns it
        #expect(inboxCheck(Fixtures.mastodonRequest(), key: key, now: now) == nil)
        #expect(inboxCheck(method, key: key, now: now) == "signature.invalid")
        #expect(inboxCheck(path, key: key, now: now) == "signature.invalid")
        #expect(inboxCheck(Fixtures.mastodonRequest().replacing("Host", with: "other.example"), key: key, now: now) == "signature.invalid")
        #expect(inboxCheck(Fixtures.mastodonRequest().replacing("Date", with: "Thu, 26 Nov 2026 21:00:01 GMT"), key: key, now: now) == "signature.invalid")
        #expect(inboxCheck(body, key: key, now: now) == "digest.mismatch")
        #expect(inboxCheck(bodyAndDigest, key: key, now: now) == "signature.invalid")
        #expect(inboxCheck(Fixtures.mastodonRequest(), key: .rsaPEM(Fixtures.rfcRSAPublicKey), now: now) == "signature.invalid")
    }

    @Test("Our signer writes exactly the headers and signature OpenSSL computes for the same request")
    func signerMatchesOpenSSL() throws {
        // Given RFC 9421's test-key-rsa and the recorded request without its signature headers
        let key = try RSAKeyPair(privateKeyPEM: Fixtures.rfcRSAPrivateKey)
        let signer = HTTPSignatureSigner(keyId: "https://mastodon.example/users/alice#main-key", key: key)
        var post = Fixtures.mastodonRequest().removing("Signature").removing("Digest").removing("Date").removing("Host")
        let get = HTTPRequestParts(method: "GET", path: "/actors/alpha", authority: "hub.example", scheme: "https", headers: [], body: Data())

        // When both are signed at the recorded time
        let postHeaders = try signer.sign(post, date: Fixtures.mastodonDate)
        let getHeaders = try signer.sign(get, date: Fixtures.mastodonDate)

        // Then the headers are byte for byte what Mastodon sends and OpenSSL signs
        #expect(postHeaders.map(\.name) == ["Host", "Date", "Digest", "Signature"])
        #expect(postHeaders.map(\.value) == [
            "hub.example", "Thu, 26 Nov 2026 21:00:00 GMT", Fixtures.mastodonDigest,
            #"keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="\#(Fixtures.opensslPOSTSignature)""#,
        ])
        #expect(getHeaders.map(\.name) == ["Host", "Date", "Signature"])
        #expect(getHeaders.last?.value == #"keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date",signature="\#(Fixtures.opensslGETSignature)""#)
        // And the signed POST passes our own inbox checks
        post.headers += postHeaders
        #expect(inboxCheck(post, key: .rsaPEM(Fixtures.rfcRSAPublicKey), now: Fixtures.mastodonDate) == nil)
    }
}
