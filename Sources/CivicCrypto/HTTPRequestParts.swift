import Foundation

/// The parts of an HTTP request that signatures cover.
package struct HTTPRequestParts: Sendable {
    package var method: String
    /// Request target: path plus `?query`, e.g. `/inbox`.
    package var path: String
    /// The Host header value (`host[:port]`).
    package var authority: String
    /// `https` or `http`, for `@target-uri` and `@scheme`.
    package var scheme: String
    package var headers: [(name: String, value: String)]
    package var body: Data

    package init(method: String, path: String, authority: String, scheme: String, headers: [(name: String, value: String)], body: Data) {
        self.method = method
        self.path = path
        self.authority = authority
        self.scheme = scheme
        self.headers = headers
        self.body = body
    }

    /// A header's value, matched case-insensitively; repeated headers joined with ", ".
    package func header(_ name: String) -> String? {
        let values = headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map {
            $0.value.trimmingCharacters(in: .whitespaces)
        }
        if values.isEmpty { return name.lowercased() == "host" ? authority : nil }
        return values.joined(separator: ", ")
    }
}

/// Signs outgoing requests as Mastodon expects: draft-cavage-12, `rsa-sha256`, covering
/// `(request-target) host date digest` (no digest on a bodiless GET).
package struct HTTPSignatureSigner: Sendable {
    package let keyId: String
    let key: RSAKeyPair

    package init(keyId: String, key: RSAKeyPair) {
        self.keyId = keyId
        self.key = key
    }

    /// The headers to add: `Host`, `Date`, `Digest` (when there is a body or the method is POST/PUT) and `Signature`.
    package func sign(_ parts: HTTPRequestParts, date: Date) throws -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = [("Host", parts.authority), ("Date", HTTPDate.string(date))]
        var covered = ["(request-target)", "host", "date"]
        let method = parts.method.uppercased()
        if !parts.body.isEmpty || method == "POST" || method == "PUT" {
            added.append(("Digest", BodyDigest.digestHeader(for: parts.body)))
            covered.append("digest")
        }
        var signed = parts
        signed.headers = parts.headers.filter { header in !added.contains { $0.name.caseInsensitiveCompare(header.name) == .orderedSame } } + added
        let base = try DraftCavage.signingString(covered: covered, parts: signed, created: nil, expires: nil)
        let signature = try key.sign(Data(base.utf8)).base64EncodedString()
        added.append((
            "Signature",
            "keyId=\"\(keyId)\",algorithm=\"rsa-sha256\",headers=\"\(covered.joined(separator: " "))\",signature=\"\(signature)\""
        ))
        return added
    }
}

/// A signature parsed from a request before any key is fetched. Parsing does no I/O, so a
/// malformed header never causes a key fetch.
package struct ParsedSignature: Sendable {
    package enum Scheme: Sendable { case draftCavage, rfc9421 }

    package var scheme: Scheme
    package var keyId: String
    /// Nil for `hs2019` or an RFC 9421 signature without `alg`: the key type decides.
    package var algorithm: SignatureAlgorithm?
    package var created: Date?
    package var expires: Date?
    /// Lowercased component names, e.g. `(request-target)`, `@method`.
    package var coveredComponents: [String]
    /// The exact bytes that were signed.
    package var signatureBase: Data
    package var signature: Data
}
