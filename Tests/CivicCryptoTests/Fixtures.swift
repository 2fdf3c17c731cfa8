import CivicCrypto
import Foundation

/// Published keys and requests, verbatim from their documents, and one recorded request.
enum Fixtures {
    // MARK: RFC 9421 Appendix B.1

    /// RFC 9421 B.1.1, test-key-rsa: public key (PKCS#1).
    static let rfcRSAPublicKey = """
        -----BEGIN RSA PUBLIC KEY-----
        MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw
        WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq
        MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg
        kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P
        uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ
        PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB
        -----END RSA PUBLIC KEY-----
        """

    /// RFC 9421 B.1.1, test-key-rsa: private key (PKCS#1).
    static let rfcRSAPrivateKey = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEqAIBAAKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsP
        BRrwWEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsd
        JKFqMGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75
        jfZgkne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKI
        lE0PuKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZ
        SFlQPSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQABAoIBAG/JZuSWdoVHbi56
        vjgCgkjg3lkO1KrO3nrdm6nrgA9P9qaPjxuKoWaKO1cBQlE1pSWp/cKncYgD5WxE
        CpAnRUXG2pG4zdkzCYzAh1i+c34L6oZoHsirK6oNcEnHveydfzJL5934egm6p8DW
        +m1RQ70yUt4uRc0YSor+q1LGJvGQHReF0WmJBZHrhz5e63Pq7lE0gIwuBqL8SMaA
        yRXtK+JGxZpImTq+NHvEWWCu09SCq0r838ceQI55SvzmTkwqtC+8AT2zFviMZkKR
        Qo6SPsrqItxZWRty2izawTF0Bf5S2VAx7O+6t3wBsQ1sLptoSgX3QblELY5asI0J
        YFz7LJECgYkAsqeUJmqXE3LP8tYoIjMIAKiTm9o6psPlc8CrLI9CH0UbuaA2JCOM
        cCNq8SyYbTqgnWlB9ZfcAm/cFpA8tYci9m5vYK8HNxQr+8FS3Qo8N9RJ8d0U5Csw
        DzMYfRghAfUGwmlWj5hp1pQzAuhwbOXFtxKHVsMPhz1IBtF9Y8jvgqgYHLbmyiu1
        mwJ5AL0pYF0G7x81prlARURwHo0Yf52kEw1dxpx+JXER7hQRWQki5/NsUEtv+8RT
        qn2m6qte5DXLyn83b1qRscSdnCCwKtKWUug5q2ZbwVOCJCtmRwmnP131lWRYfj67
        B/xJ1ZA6X3GEf4sNReNAtaucPEelgR2nsN0gKQKBiGoqHWbK1qYvBxX2X3kbPDkv
        9C+celgZd2PW7aGYLCHq7nPbmfDV0yHcWjOhXZ8jRMjmANVR/eLQ2EfsRLdW69bn
        f3ZD7JS1fwGnO3exGmHO3HZG+6AvberKYVYNHahNFEw5TsAcQWDLRpkGybBcxqZo
        81YCqlqidwfeO5YtlO7etx1xLyqa2NsCeG9A86UjG+aeNnXEIDk1PDK+EuiThIUa
        /2IxKzJKWl1BKr2d4xAfR0ZnEYuRrbeDQYgTImOlfW6/GuYIxKYgEKCFHFqJATAG
        IxHrq1PDOiSwXd2GmVVYyEmhZnbcp8CxaEMQoevxAta0ssMK3w6UsDtvUvYvF22m
        qQKBiD5GwESzsFPy3Ga0MvZpn3D6EJQLgsnrtUPZx+z2Ep2x0xc5orneB5fGyF1P
        WtP+fG5Q6Dpdz3LRfm+KwBCWFKQjg7uTxcjerhBWEYPmEMKYwTJF5PBG9/ddvHLQ
        EQeNC8fHGg4UXU8mhHnSBt3EA10qQJfRDs15M38eG2cYwB1PZpDHScDnDA0=
        -----END RSA PRIVATE KEY-----
        """

    /// The same test-key-rsa re-encoded as PKCS#8 (`openssl pkcs8 -topk8 -nocrypt`), to check that form is read.
    static let rfcRSAPrivateKeyPKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIIEwgIBADANBgkqhkiG9w0BAQEFAASCBKwwggSoAgEAAoIBAQCEAph22h6jLzNw
        BxHzvgvxydnErMAbB3u/foA+ns+/pDaN2w8FGvBYQGd7Pp3RQMoPAZtzqfF8RcDL
        mZuGBqPOvDcw4S3y4Dm3FIqhsGkoN4Es6x0koWowaZcJC8Qbth6ZzENNE/ECV4gC
        BhhGNNJ39AHBVb07A0WF6SujdG2WKdXRrvmN9mCSd79iKS1K8sbfiXDbOpcENMLk
        0dE5SoZOUwvg+U1lLlGLZThoI3HatQ9FwoiUTQ+4rEjhP4choWm/z6t1Xp5SA6sH
        bF4jV1IUWf+ee/k6hkkQgH5Wa4qfcMJRwJlIWVA9JdJ8EOJQaHA7Dvpa5JKx/UPh
        v+8ugnXTAgMBAAECggEAb8lm5JZ2hUduLnq+OAKCSODeWQ7Uqs7eet2bqeuAD0/2
        po+PG4qhZoo7VwFCUTWlJan9wqdxiAPlbEQKkCdFRcbakbjN2TMJjMCHWL5zfgvq
        hmgeyKsrqg1wSce97J1/Mkvn3fh6CbqnwNb6bVFDvTJS3i5FzRhKiv6rUsYm8ZAd
        F4XRaYkFkeuHPl7rc+ruUTSAjC4GovxIxoDJFe0r4kbFmkiZOr40e8RZYK7T1IKr
        Svzfxx5AjnlK/OZOTCq0L7wBPbMW+IxmQpFCjpI+yuoi3FlZG3LaLNrBMXQF/lLZ
        UDHs77q3fAGxDWwum2hKBfdBuUQtjlqwjQlgXPsskQKBiQCyp5QmapcTcs/y1igi
        MwgAqJOb2jqmw+VzwKssj0IfRRu5oDYkI4xwI2rxLJhtOqCdaUH1l9wCb9wWkDy1
        hyL2bm9grwc3FCv7wVLdCjw31Enx3RTkKzAPMxh9GCEB9QbCaVaPmGnWlDMC6HBs
        5cW3EodWww+HPUgG0X1jyO+CqBgctubKK7WbAnkAvSlgXQbvHzWmuUBFRHAejRh/
        naQTDV3GnH4lcRHuFBFZCSLn82xQS2/7xFOqfabqq17kNcvKfzdvWpGxxJ2cILAq
        0pZS6DmrZlvBU4IkK2ZHCac/XfWVZFh+PrsH/EnVkDpfcYR/iw1F40C1q5w8R6WB
        Haew3SApAoGIaiodZsrWpi8HFfZfeRs8OS/0L5x6WBl3Y9btoZgsIeruc9uZ8NXT
        IdxaM6FdnyNEyOYA1VH94tDYR+xEt1br1ud/dkPslLV/Aac7d7EaYc7cdkb7oC9t
        6sphVg0dqE0UTDlOwBxBYMtGmQbJsFzGpmjzVgKqWqJ3B947li2U7t63HXEvKprY
        2wJ4b0DzpSMb5p42dcQgOTU8Mr4S6JOEhRr/YjErMkpaXUEqvZ3jEB9HRmcRi5Gt
        t4NBiBMiY6V9br8a5gjEpiAQoIUcWokBMAYjEeurU8M6JLBd3YaZVVjISaFmdtyn
        wLFoQxCh6/EC1rSywwrfDpSwO29S9i8XbaapAoGIPkbARLOwU/LcZrQy9mmfcPoQ
        lAuCyeu1Q9nH7PYSnbHTFzmiud4Hl8bIXU9a0/58blDoOl3PctF+b4rAEJYUpCOD
        u5PFyN6uEFYRg+YQwpjBMkXk8Eb39128ctARB40Lx8caDhRdTyaEedIG3cQDXSpA
        l9EOzXkzfx4bZxjAHU9mkMdJwOcMDQ==
        -----END PRIVATE KEY-----
        """

    /// RFC 9421 B.1.4, test-key-ed25519: public key (SPKI DER, base64, from its PEM).
    static let rfcEd25519PublicKeySPKI = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="
    /// RFC 9421 B.1.4, test-key-ed25519: private key (PKCS#8 DER, base64, from its PEM).
    static let rfcEd25519PrivateKeyPKCS8 = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"
    /// publicKeyMultibase of test-key-ed25519, computed independently (Python, big-integer base58).
    static let rfcEd25519Multibase = "z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG"

    /// The 32 raw bytes at the end of a DER-encoded Ed25519 key.
    static func lastThirtyTwoBytes(ofBase64 text: String) -> Data {
        (Data(base64Encoded: text) ?? Data()).suffix(32)
    }

    /// RFC 9421 B.2: the body of test-request, 18 bytes.
    static let rfcBody = Data(#"{"hello": "world"}"#.utf8)
    /// RFC 9421 B.2: test-request's Content-Digest (RFC 9530 sha-512).
    static let rfcContentDigest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"

    // MARK: RFC 9421 B.2.6, Signing a Request Using ed25519

    static let rfcB26Input = #"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#
    static let rfcB26Signature = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"
    static let rfcB26Base = """
        "date": Tue, 20 Apr 2021 02:07:55 GMT
        "@method": POST
        "@path": /foo
        "@authority": example.com
        "content-type": application/json
        "content-length": 18
        "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
        """

    /// RFC 9421 B.2 test-request, carrying the B.2.6 signature.
    static func rfcB26Request() -> HTTPRequestParts {
        HTTPRequestParts(
            method: "POST", path: "/foo?param=Value&Pet=dog", authority: "example.com", scheme: "https",
            headers: [
                ("Host", "example.com"), ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"), ("Content-Type", "application/json"),
                ("Content-Digest", rfcContentDigest), ("Content-Length", "18"),
                ("Signature-Input", rfcB26Input), ("Signature", rfcB26Signature),
            ],
            body: rfcBody)
    }

    // MARK: RFC 9421 §4.3, Multiple Signatures: the proxy's rsa-v1_5-sha256 signature with test-key-rsa

    static let rfcProxyInput = #"proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540"#
    static let rfcProxySignature = "proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:"
    /// §4.3's client signature, listed first in the forwarded request.
    static let rfcClientInput = #"sig1=("@method" "@authority" "@path" "content-digest" "content-type" "content-length");created=1618884475;keyid="test-key-ecc-p256""#
    static let rfcClientSignature = "sig1=:X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp+kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==:"
    static let rfcProxyBase = """
        "@method": POST
        "@authority": origin.host.internal.example
        "@path": /foo
        "content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
        "content-type": application/json
        "content-length": 18
        "forwarded": for=192.0.2.123;host=example.com;proto=https
        "@signature-params": ("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540
        """

    /// The request as the §4.3 proxy forwards it; `input`/`signature` default to the proxy's label alone.
    static func rfcProxyRequest(input: String = rfcProxyInput, signature: String = rfcProxySignature) -> HTTPRequestParts {
        HTTPRequestParts(
            method: "POST", path: "/foo?param=Value&Pet=dog", authority: "origin.host.internal.example", scheme: "https",
            headers: [
                ("Host", "origin.host.internal.example"), ("Date", "Tue, 20 Apr 2021 02:07:56 GMT"),
                ("Content-Type", "application/json"), ("Content-Length", "18"),
                ("Forwarded", "for=192.0.2.123;host=example.com;proto=https"), ("Content-Digest", rfcContentDigest),
                ("Signature-Input", input), ("Signature", signature),
            ],
            body: rfcBody)
    }

    // MARK: draft-cavage-http-signatures-12 Appendix C

    /// draft-cavage-12 Appendix C: the 1024-bit test public key (SPKI).
    static let cavagePublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
        6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
        Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
        oYi+1hqp1fIekaxsyQIDAQAB
        -----END PUBLIC KEY-----
        """
    /// C.1 Default Test: no `headers` parameter, so only `date` is signed.
    static let cavageC1Signature = #"keyId="Test",algorithm="rsa-sha256",signature="SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=""#
    /// C.2 Basic Test: `(request-target) host date`.
    static let cavageC2Signature = #"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=""#

    /// draft-cavage-12 Appendix C's example request with `signature` as its Signature header.
    static func cavageRequest(signature: String) -> HTTPRequestParts {
        HTTPRequestParts(
            method: "POST", path: "/foo?param=value&pet=dog", authority: "example.com", scheme: "https",
            headers: [
                ("Host", "example.com"), ("Date", "Sun, 05 Jan 2014 21:31:40 GMT"), ("Content-Type", "application/json"),
                ("Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="), ("Content-Length", "18"),
                ("Signature", signature),
            ],
            body: rfcBody)
    }

    // MARK: A recorded Mastodon-style request

    /// A Mastodon-style Follow signed once by Python's `cryptography` (RSA-2048, PKCS#1 v1.5,
    /// SHA-256) over `(request-target) host date digest`; only the public key was kept.
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
    static let mastodonDigest = "SHA-256=U7SLltmJAKdy2Dh76Sea5Vc+xf4/YuuCtM707suyvzg="
    static let mastodonSignature = "hDVa7KRkLw8II8KAFICbAbEe41CB7PKsZllmcljwuhBkQY4QG9mIzyI5MzIMGQlo49QRuUBu6bS65xi7JiB6ZUnXanRiTrVuNW6NLf4+Tt2ZswAiaSt6YtdAm/HA6fNhVNPVI4mF5uzkWd/xrdwGXZXKbdoYfRTPTjhY49ROqoMJ9D06l767Gf2YO9Qvk7Jvwlt5UXW1/bbdoyn04/kdo4CmIl/N/72BazkUtkLoEOs3axSY3qjC+0MPSmhsAr1icEituqEOS01m2bqOySUjujLAJ92GGTyfut74xwexbjCMiQGcrfOPavRl8PukraUY3oToBxByV5tDejdxLWYP4Q=="
    /// Thu, 26 Nov 2026 21:00:00 GMT, the recorded request's Date.
    static let mastodonDate = Date(timeIntervalSince1970: 1_795_726_800)

    static func mastodonRequest() -> HTTPRequestParts {
        HTTPRequestParts(
            method: "POST", path: "/actors/alpha/inbox", authority: "hub.example", scheme: "https",
            headers: [
                ("Host", "hub.example"), ("Date", "Thu, 26 Nov 2026 21:00:00 GMT"), ("Digest", mastodonDigest),
                ("Content-Type", "application/activity+json"), ("User-Agent", "Mastodon/4.3.0 (+https://mastodon.example/)"),
                ("Signature", #"keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="\#(mastodonSignature)""#),
            ],
            body: Data(mastodonBody.utf8))
    }

    /// What OpenSSL (`openssl dgst -sha256 -sign`, test-key-rsa) gives for the recorded request's
    /// signing string, and for a GET of `/actors/alpha` at the same time: our signer must match it byte for byte.
    static let opensslPOSTSignature = "OOimYlgkgJyqgV7VIGl28jHMXn06N8vxixcWIWvfkPsV5MD5mfSCVlCXis2//UzO7rJi9az0EEcQV6j5yu8WrLInNt9Wh0cj3FNiykvx29i5fow1eVqUJUdjB9sHUwlM7Jh5aeZx3qdKswHBrWkfT6dgfuhNF7aOlB43vorHhMCFzNHUriX2uONUUGW7pbtug7k/05SoZsJ0O9qXLM/6U0SmZHP/Ax5NP7TwOdGKdDbNcDMEp2cAB7gHx7Sk868GZC/D3x+1gTh3RuLCp8uGIvlayrwGgmW+VMzQyvGOs9zANrITyIyUXNJE6dGFCgNXAhKtklQGJ+64Pqx7YOWROQ=="
    static let opensslGETSignature = "UUrmaPNkWzX4LT0on5xo2J+QMuEHun4oaW87z8TwggzJAt9a4jvY6kqhLYqlq3+XDcZnk6id2aCJH+mqoM+zbmSgylFwEWBAmcychPfXX3JvMmPp9QHibQ/68PuDX6gYQQwzakIkUbG74/KZckDzyFxwfVA2dZSo7ilM5OlHI+hghvHS7G5LNxFb3ALA+TpK0oUoicNF7BEFoBynagDozT+fP2SfoKOu10Vr7rPQzCSa4hdE+b7XDj6XJIB5xSYLoY3NFgATx0fUVEmrd3TpWAhDmYybPi9v+Q9qRr9s9JRTviJOI0K6+mrRSo5/SLbHEpWDe0awa3Xs0qmFZf8zoQ=="
}
