import Foundation

/// A signature parsed from a request, before any key is fetched.
///
/// Parsing never does I/O, so a malformed header never causes a key fetch.
package struct ParsedSignature: Sendable {
    /// Which specification the signature follows.
    package enum Scheme: Sendable {
        /// draft-cavage-http-signatures-12 (`Signature: keyId=…`), what Mastodon sends.
        case draftCavage
        /// RFC 9421 HTTP Message Signatures (`Signature-Input` + `Signature`).
        case rfc9421
    }

    /// Which specification the signature follows.
    package var scheme: Scheme
    /// The key's id, e.g. `https://mastodon.example/users/alice#main-key`; fetch it to verify.
    package var keyId: String
    /// Nil for `hs2019` or an RFC 9421 signature without `alg`: the key type decides.
    package var algorithm: SignatureAlgorithm?
    /// When it was signed: draft-cavage `(created)` when covered, else the covered Date header;
    /// RFC 9421 `created`. Nil when the signature carries no signed time.
    package var created: Date?
    /// The `expires` parameter, if any.
    package var expires: Date?
    /// Lowercased component names: cavage e.g. `(request-target)`, `host`; RFC 9421 e.g. `@method`.
    package var coveredComponents: [String]
    /// The exact bytes that were signed.
    package var signatureBase: Data
    /// The signature bytes (base64-decoded).
    package var signature: Data
}
