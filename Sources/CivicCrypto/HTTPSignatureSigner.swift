import Foundation

/// Signs outgoing requests the way Mastodon expects: draft-cavage-12, `rsa-sha256`, covering
/// `(request-target) host date digest` (just `(request-target) host date` for a bodiless GET).
package struct HTTPSignatureSigner: Sendable {
    /// The key id published with the actor, e.g. `https://hub.example/actors/alpha#main-key`.
    package let keyId: String
    let key: RSAKeyPair

    /// A signer that signs as `keyId` with `key`.
    package init(keyId: String, key: RSAKeyPair) {
        self.keyId = keyId
        self.key = key
    }

    /// Returns the headers to add: `Host` (= `parts.authority`), `Date` (IMF-fixdate of `date`),
    /// `Digest` (when the method is POST or PUT or the body is non-empty) and `Signature`.
    ///
    /// Headers of those names already in `parts` are ignored and should be replaced by these.
    package func sign(_ parts: HTTPRequestParts, date: Date) throws -> [(name: String, value: String)] {
        guard !keyId.isEmpty, keyId.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" }) else {
            throw CryptoError("key.invalid", "keyId must be printable ASCII without quotes")
        }
        guard HTTPDate.canFormat(date) else {
            throw CryptoError("signature.malformed", "the signing date cannot be written as an HTTP date")
        }
        var added: [(name: String, value: String)] = [("Host", parts.authority), ("Date", HTTPDate.string(date))]
        var covered = ["(request-target)", "host", "date"]
        let method = parts.method.uppercased()
        if !parts.body.isEmpty || method == "POST" || method == "PUT" {
            added.append(("Digest", BodyDigest.digestHeader(for: parts.body)))
            covered.append("digest")
        }
        var signed = parts
        signed.headers = parts.headers.filter { header in
            !added.contains { $0.name.caseInsensitiveCompare(header.name) == .orderedSame }
        } + added
        let base = try DraftCavage.signingString(covered: covered, parts: signed, parameters: [:])
        let signature = try key.sign(Data(base.utf8)).base64EncodedString()
        added.append((
            "Signature",
            "keyId=\"\(keyId)\",algorithm=\"rsa-sha256\",headers=\"\(covered.joined(separator: " "))\",signature=\"\(signature)\""
        ))
        return added
    }
}
