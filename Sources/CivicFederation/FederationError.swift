/// Why a federation step failed: a stable code, a reason safe to show the remote side, and a
/// classification that the inbox (HTTP status) and the retry policy (permanent or transient) read.
package struct FederationError: Error, Sendable, CustomStringConvertible {
    /// How the failure is to be treated.
    package enum Kind: Sendable, Equatable {
        /// The request's signature or signer is not acceptable (401).
        case unauthorized
        /// The payload is malformed or inconsistent (400).
        case badRequest
        /// The body is over the size limit (413).
        case tooLarge
        /// The sender is not allowed to do this (403).
        case forbidden
        /// A remote failure that will not get better by retrying (404/410, bad document, refused address).
        case permanent
        /// A remote failure worth retrying later (timeouts, 5xx, 429).
        case transient
    }

    package var kind: Kind
    package var code: String
    package var reason: String
    /// HTTP status of the remote response that caused it, if any.
    package var status: Int?
    /// Seconds the remote asked us to wait (429/503 Retry-After).
    package var retryAfter: Double?

    package init(_ kind: Kind, code: String, reason: String, status: Int? = nil, retryAfter: Double? = nil) {
        self.kind = kind
        self.code = code
        self.reason = reason
        self.status = status
        self.retryAfter = retryAfter
    }

    package var description: String { "\(code): \(reason)" }
}
