/// Why a key, digest or signature was refused: a stable `code` and a reason safe to show the sender.
///
/// Codes in use: `signature.missing`, `signature.malformed`, `signature.expired`,
/// `signature.invalid`, `signature.headersNotCovered`, `signature.algorithmUnsupported`,
/// `digest.missing`, `digest.malformed`, `digest.mismatch`, `digest.unsupported`, `key.invalid`,
/// and the `proof.*` codes of `DataIntegrity`. Reasons never contain key material.
package struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code, e.g. `signature.missing`, `signature.expired`, `digest.mismatch`.
    package var code: String
    /// What exactly was wrong, in words safe to return to the sender.
    package var reason: String

    /// Makes an error from its stable code and a safe reason.
    package init(_ code: String, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `code: reason`, for logs.
    package var description: String { "\(code): \(reason)" }
}
