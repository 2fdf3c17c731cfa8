import Foundation

/// Inbound HTTP signature checks, each a policy that passes or throws a `CryptoError` with a reason.
///
/// Call them in order: `parse` (no I/O), `checkPolicy`, then fetch the key for `keyId` and `verify`.
package enum HTTPSignatureVerifier {
    /// Parses an RFC 9421 signature (`Signature-Input` + `Signature`, first label) or a
    /// draft-cavage one (`Signature`, or `Authorization: Signature …`) and builds its signature base.
    ///
    /// Throws `signature.missing` for an unsigned request, `signature.malformed` for anything
    /// unreadable, and `signature.algorithmUnsupported` for a named algorithm we do not check
    /// (decided here so that such a request never causes a key fetch).
    package static func parse(_ parts: HTTPRequestParts) throws -> ParsedSignature {
        if let input = parts.header("signature-input") {
            guard let signature = parts.header("signature") else {
                throw CryptoError("signature.malformed", "Signature-Input without Signature")
            }
            return try RFC9421.parse(input: input, signature: signature, parts: parts)
        }
        if let header = parts.header("signature") { return try DraftCavage.parse(header, parts: parts) }
        if let authorization = parts.header("authorization"), authorization.lowercased().hasPrefix("signature ") {
            return try DraftCavage.parse(String(authorization.dropFirst("signature ".count)), parts: parts)
        }
        throw CryptoError("signature.missing", "the request is not signed")
    }

    /// Coverage and freshness, and the body digest.
    ///
    /// draft-cavage must cover `(request-target)`, `host`, `date` or `(created)`, and `digest` when
    /// the body is non-empty. RFC 9421 must cover `@method`, `@target-uri` itself (`@authority` with
    /// `@path` leaves the query unsigned, so it is not enough), and `content-digest` when the body is
    /// non-empty. The signed time must be at most `maxAge` old and at most `maxFuture` ahead of `now`;
    /// a past `expires` fails (`signature.expired`). A `Digest` / `Content-Digest` present is checked
    /// against the body.
    package static func checkPolicy(
        _ signature: ParsedSignature, parts: HTTPRequestParts, now: Date, maxAge: TimeInterval = 12 * 3600,
        maxFuture: TimeInterval = 3600
    ) throws {
        let covered = Set(signature.coveredComponents)
        let hasBody = !parts.body.isEmpty
        switch signature.scheme {
        case .draftCavage:
            for required in ["(request-target)", "host"] where !covered.contains(required) {
                throw CryptoError("signature.headersNotCovered", "the signature must cover \(required)")
            }
            guard covered.contains("date") || covered.contains("(created)") else {
                throw CryptoError("signature.headersNotCovered", "the signature must cover date or (created)")
            }
            if hasBody, !covered.contains("digest"), !covered.contains("content-digest") {
                throw CryptoError("signature.headersNotCovered", "the signature must cover digest")
            }
        case .rfc9421:
            guard covered.contains("@method") else {
                throw CryptoError("signature.headersNotCovered", "the signature must cover @method")
            }
            guard covered.contains("@target-uri") else {
                throw CryptoError("signature.headersNotCovered", "the signature must cover @target-uri")
            }
            if hasBody, !covered.contains("content-digest") {
                throw CryptoError("signature.headersNotCovered", "the signature must cover content-digest")
            }
        }
        guard let created = signature.created else {
            throw CryptoError("signature.headersNotCovered", "the signature carries no usable date")
        }
        if now.timeIntervalSince(created) > maxAge {
            throw CryptoError("signature.expired", "the signature date is more than \(Int(maxAge / 3600)) hours old")
        }
        if created.timeIntervalSince(now) > maxFuture {
            throw CryptoError("signature.expired", "the signature date is more than \(Int(maxFuture / 3600)) hour(s) ahead")
        }
        if let expires = signature.expires, expires < now {
            throw CryptoError("signature.expired", "the signature has expired")
        }
        if covered.contains("digest") || (hasBody && parts.header("digest") != nil) {
            guard let digest = parts.header("digest") else { throw CryptoError("digest.missing", "Digest is covered but missing") }
            try BodyDigest.verifyDigestHeader(digest, body: parts.body)
        }
        if covered.contains("content-digest") || (hasBody && parts.header("content-digest") != nil) {
            guard let digest = parts.header("content-digest") else {
                throw CryptoError("digest.missing", "Content-Digest is covered but missing")
            }
            try BodyDigest.verifyContentDigestHeader(digest, body: parts.body)
        }
    }

    /// Verifies the signature bytes with `key`: throws `signature.invalid` on mismatch, `key.invalid`
    /// when the key does not fit the algorithm named by the header (`hs2019` or none: the key's own).
    package static func verify(_ signature: ParsedSignature, with key: PublicKeyMaterial) throws {
        try key.verify(signature: signature.signature, over: signature.signatureBase, algorithm: signature.algorithm ?? key.impliedAlgorithm)
    }
}
