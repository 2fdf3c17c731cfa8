import CivicCrypto
import Foundation
import Testing

/// RFC 9421 HTTP Message Signatures: the RFC's own examples, verified byte for byte.
@Suite("RFC 9421 vectors: B.2.6 (ed25519) and §4.3 (rsa-v1_5-sha256)")
struct RFC9421VectorTests {
    static let b26Key = PublicKeyMaterial.ed25519(Fixtures.lastThirtyTwoBytes(ofBase64: Fixtures.rfcEd25519PublicKeySPKI))

    @Test("B.2.6: the published ed25519 signature verifies over the rebuilt signature base")
    func b26Verifies() throws {
        // Given test-request signed with test-key-ed25519
        let request = Fixtures.rfcB26Request()

        // When it is parsed
        let parsed = try HTTPSignatureVerifier.parse(request)

        // Then the base is the RFC's, byte for byte, and the signature verifies (algorithm from the key)
        #expect(parsed.scheme == .rfc9421)
        #expect(parsed.keyId == "test-key-ed25519")
        #expect(parsed.algorithm == nil)
        #expect(parsed.created == Date(timeIntervalSince1970: 1_618_884_473))
        #expect(parsed.coveredComponents == ["date", "@method", "@path", "@authority", "content-type", "content-length"])
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == Fixtures.rfcB26Base)
        try HTTPSignatureVerifier.verify(parsed, with: Self.b26Key)
        try BodyDigest.verifyContentDigestHeader(Fixtures.rfcContentDigest, body: request.body)
    }

    @Test("B.2.6: signing the base with test-key-ed25519 reproduces the published signature")
    func b26Resigned() throws {
        // Given the B.1.4 private key
        let key = try Ed25519KeyPair(rawPrivateKey: Fixtures.lastThirtyTwoBytes(ofBase64: Fixtures.rfcEd25519PrivateKeyPKCS8))

        // When it signs the B.2.6 base (Ed25519 is deterministic)
        let signature = try key.sign(Data(Fixtures.rfcB26Base.utf8))

        // Then the bytes are the RFC's, and the key's Multikey names the B.1.4 public key
        #expect("sig-b26=:\(signature.base64EncodedString()):" == Fixtures.rfcB26Signature)
        #expect(key.publicKeyMultibase == Fixtures.rfcEd25519Multibase)
        #expect(try PublicKeyMaterial.ed25519(multibase: key.publicKeyMultibase) == Self.b26Key)
    }

    @Test("B.2.6 tampered: another method, path, authority or covered header fails as signature.invalid")
    func b26Tampering() throws {
        // Given changed copies of test-request
        var lowercaseMethod = Fixtures.rfcB26Request()
        lowercaseMethod.method = "post"  // @method is case-sensitive
        var path = Fixtures.rfcB26Request()
        path.path = "/bar?param=Value&Pet=dog"
        var authority = Fixtures.rfcB26Request()
        authority.authority = "example.org"
        let cases = [
            lowercaseMethod, path, authority.replacing("Host", with: "example.org"),
            Fixtures.rfcB26Request().replacing("Content-Length", with: "19"),
            Fixtures.rfcB26Request().replacing("Date", with: "Tue, 20 Apr 2021 02:07:56 GMT"),
        ]

        // Then none verifies
        for request in cases {
            #expect(errorCode { try HTTPSignatureVerifier.verify(try HTTPSignatureVerifier.parse(request), with: Self.b26Key) } == "signature.invalid")
        }
    }

    @Test("B.2.6 is refused by our policy: it covers neither @target-uri nor content-digest")
    func b26Policy() throws {
        // Given the B.2.6 request, checked a few seconds after it was created
        let request = Fixtures.rfcB26Request()
        let parsed = try HTTPSignatureVerifier.parse(request)

        // Then coverage fails before any key is used
        #expect(errorCode {
            try HTTPSignatureVerifier.checkPolicy(parsed, parts: request, now: Date(timeIntervalSince1970: 1_618_884_480))
        } == "signature.headersNotCovered")
    }

    @Test("§4.3: the proxy's rsa-v1_5-sha256 signature verifies with test-key-rsa given as PKCS#1 PEM")
    func proxyVerifies() throws {
        // Given the forwarded request carrying the proxy's signature
        let request = Fixtures.rfcProxyRequest()

        // When it is parsed
        let parsed = try HTTPSignatureVerifier.parse(request)

        // Then the base is the RFC's and it verifies; an ed25519 key cannot check it
        #expect(parsed.keyId == "test-key-rsa")
        #expect(parsed.algorithm == .rsaSHA256)
        #expect(parsed.created == Date(timeIntervalSince1970: 1_618_884_480))
        #expect(parsed.expires == Date(timeIntervalSince1970: 1_618_884_540))
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == Fixtures.rfcProxyBase)
        try HTTPSignatureVerifier.verify(parsed, with: .rsaPEM(Fixtures.rfcRSAPublicKey))
        #expect(errorCode { try HTTPSignatureVerifier.verify(parsed, with: Self.b26Key) } == "key.invalid")
    }

    @Test("§4.3: signing the base with test-key-rsa reproduces the published signature")
    func proxyResigned() throws {
        // Given the B.1.1 private key (PKCS#1)
        let key = try RSAKeyPair(privateKeyPEM: Fixtures.rfcRSAPrivateKey)

        // When it signs the §4.3 base (PKCS#1 v1.5 is deterministic)
        let signature = try key.sign(Data(Fixtures.rfcProxyBase.utf8))

        // Then the bytes are the RFC's
        #expect("proxy_sig=:\(signature.base64EncodedString()):" == Fixtures.rfcProxySignature)
    }

    @Test("§4.3 tampered or judged by policy: a changed Forwarded breaks it, and @authority with @path is not @target-uri")
    func proxyTamperingAndPolicy() throws {
        // Given the forwarded request, and a copy with another client address
        let request = Fixtures.rfcProxyRequest()
        let forwarded = request.replacing("Forwarded", with: "for=192.0.2.124;host=example.com;proto=https")

        // Then the copy fails verification, and our policy refuses the original: its query is unsigned
        #expect(errorCode {
            try HTTPSignatureVerifier.verify(try HTTPSignatureVerifier.parse(forwarded), with: .rsaPEM(Fixtures.rfcRSAPublicKey))
        } == "signature.invalid")
        let parsed = try HTTPSignatureVerifier.parse(request)
        #expect(errorCode {
            try HTTPSignatureVerifier.checkPolicy(parsed, parts: request, now: Date(timeIntervalSince1970: 1_618_884_481))
        } == "signature.headersNotCovered")
    }

    @Test("§4.3 with both labels: the first label (the client's ECDSA signature) is the one parsed")
    func firstLabel() throws {
        // Given the forwarded request with both signatures, the client's first
        let request = Fixtures.rfcProxyRequest(
            input: Fixtures.rfcClientInput + ", " + Fixtures.rfcProxyInput,
            signature: Fixtures.rfcClientSignature + ", " + Fixtures.rfcProxySignature)

        // When it is parsed
        let parsed = try HTTPSignatureVerifier.parse(request)

        // Then the client's label is read: no alg, so the fetched key will decide (and an RSA key fails)
        #expect(parsed.keyId == "test-key-ecc-p256")
        #expect(parsed.algorithm == nil)
        #expect(parsed.coveredComponents.last == "content-length")
        #expect(errorCode { try HTTPSignatureVerifier.verify(parsed, with: .rsaPEM(Fixtures.rfcRSAPublicKey)) } == "signature.invalid")
    }

    @Test("Algorithms we do not check are refused at parse time", arguments: ["rsa-pss-sha512", "hmac-sha256", "ecdsa-p256-sha256"])
    func unsupportedAlgorithms(alg: String) {
        // Given a signature naming an algorithm other than ed25519 and rsa-v1_5-sha256
        let input = #"sig1=("@method" "@target-uri");created=1618884473;keyid="k";alg="\#(alg)""#
        let request = Fixtures.rfcProxyRequest(input: input, signature: "sig1=:AAAA:")

        // Then it is refused before any key is fetched
        #expect(errorCode { _ = try HTTPSignatureVerifier.parse(request) } == "signature.algorithmUnsupported")
    }

    /// A POST to /inbox signed with `key` under RFC 9421, covering @method, @target-uri and content-digest.
    static func signedRequest(key: Ed25519KeyPair, created: Int, expires: Int? = nil) throws -> HTTPRequestParts {
        let body = Data(#"{"type":"Follow"}"#.utf8)
        let params = #"("@method" "@target-uri" "content-digest");created=\#(created);keyid="https://a.example/actors/x#ed25519-key";alg="ed25519""#
            + (expires.map { ";expires=\($0)" } ?? "")
        var request = HTTPRequestParts(
            method: "POST", path: "/inbox", authority: "hub.example", scheme: "https",
            headers: [("Content-Digest", BodyDigest.contentDigestHeader(for: body)), ("Signature-Input", "sig1=" + params)], body: body)
        let base = """
            "@method": POST
            "@target-uri": https://hub.example/inbox
            "content-digest": \(BodyDigest.contentDigestHeader(for: body))
            "@signature-params": \(params)
            """
        request.headers.append(("Signature", "sig1=:\(try key.sign(Data(base.utf8)).base64EncodedString()):"))
        return request
    }

    @Test("A fully covered request signed with a key we generate passes policy and verification")
    func generatedKeyRoundTrip() throws {
        // Given an Ed25519 key and a request covering @method, @target-uri and content-digest
        let key = Ed25519KeyPair.generate()
        let created = 1_795_726_800
        let request = try Self.signedRequest(key: key, created: created)
        let publicKey = try PublicKeyMaterial.ed25519(multibase: key.publicKeyMultibase)
        let now = Date(timeIntervalSince1970: TimeInterval(created + 5))

        // Then it passes; a changed body fails on its digest, a changed target on the signature, an RSA key on the key
        #expect(inboxCheck(request, key: publicKey, now: now) == nil)
        var changed = request
        changed.body = Data(#"{"type":"Block"}"#.utf8)
        #expect(inboxCheck(changed, key: publicKey, now: now) == "digest.mismatch")
        var retargeted = request
        retargeted.path = "/inbox?x=1"
        #expect(inboxCheck(retargeted, key: publicKey, now: now) == "signature.invalid")
        #expect(inboxCheck(request, key: .rsaPEM(Fixtures.rfcRSAPublicKey), now: now) == "key.invalid")
    }

    @Test("Past its expires parameter an RFC 9421 signature is signature.expired")
    func expires() throws {
        // Given a signature that expires a minute after it was made
        let key = Ed25519KeyPair.generate()
        let created = 1_795_726_800
        let request = try Self.signedRequest(key: key, created: created, expires: created + 60)
        let publicKey = PublicKeyMaterial.ed25519(key.publicKeyRaw)

        // Then it passes at the minute and fails a second later
        #expect(inboxCheck(request, key: publicKey, now: Date(timeIntervalSince1970: TimeInterval(created + 60))) == nil)
        #expect(inboxCheck(request, key: publicKey, now: Date(timeIntervalSince1970: TimeInterval(created + 61))) == "signature.expired")
    }

    @Test("Derived components: @target-uri, @scheme, @request-target, @query and an empty query", arguments: [
        ("/inbox?a=1&b=2", "https://hub.example:8443/inbox?a=1&b=2", "/inbox?a=1&b=2", "/inbox", "?a=1&b=2"),
        ("/inbox", "https://hub.example:8443/inbox", "/inbox", "/inbox", "?"),
    ])
    func derivedComponents(path: String, targetURI: String, requestTarget: String, pathValue: String, query: String) throws {
        // Given a request covering every derived component we support
        let params = #"("@method" "@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query");created=1;keyid="k""#
        let request = HTTPRequestParts(
            method: "GET", path: path, authority: "Hub.Example:8443", scheme: "https",
            headers: [("Signature-Input", "sig1=" + params), ("Signature", "sig1=:AAAA:")], body: Data())

        // When it is parsed
        let parsed = try HTTPSignatureVerifier.parse(request)

        // Then each line has the RFC's value
        #expect(String(decoding: parsed.signatureBase, as: UTF8.self) == """
            "@method": GET
            "@target-uri": \(targetURI)
            "@authority": hub.example:8443
            "@scheme": https
            "@request-target": \(requestTarget)
            "@path": \(pathValue)
            "@query": \(query)
            "@signature-params": \(params)
            """)
    }
}
