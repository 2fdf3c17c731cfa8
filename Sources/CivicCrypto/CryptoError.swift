/// Why a key, digest or signature was refused: a stable `code` and a reason safe to show the sender.
package struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code, e.g. `signature.missing`, `signature.expired`, `digest.mismatch`.
    package var code: String
    /// What exactly was wrong.
    package var reason: String

    package init(_ code: String, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    package var description: String { "\(code): \(reason)" }
}
