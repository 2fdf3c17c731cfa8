/// What a use case refuses, by meaning; only the server maps it to an HTTP status.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of refusal.
    public enum Kind: String, Sendable {
        case notFound, forbidden, conflict, invalid, unauthorized, gone, unavailable
    }

    public var kind: Kind
    /// Stable code, e.g. `organization.exists`, `handle.unresolvable`.
    public var code: String
    /// Message safe to show the client; the full cause goes to the log separately.
    public var message: String

    public init(_ kind: Kind, code: String, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public static func notFound(_ code: String, _ message: String) -> DomainError { .init(.notFound, code: code, message: message) }
    public static func conflict(_ code: String, _ message: String) -> DomainError { .init(.conflict, code: code, message: message) }
    public static func unauthorized(_ code: String, _ message: String) -> DomainError { .init(.unauthorized, code: code, message: message) }
    /// Input refused, naming the field.
    public static func invalid(field: String, reason: String) -> DomainError {
        .init(.invalid, code: "invalid.\(field)", message: "\(field): \(reason)")
    }

    public var description: String { "\(code): \(message)" }
}

/// A request refused for now: its sender is over a rate limit (429), or the node is busy (503);
/// answered with `Retry-After`.
public struct RateLimited: Error, Sendable, Equatable {
    /// Stable code, e.g. `rate.inbox`.
    public var code: String
    public var message: String
    /// Whole seconds until a request may succeed.
    public var retryAfter: Int
    /// The node, not the sender, is at its limit.
    public var busy: Bool

    public init(code: String, message: String, retryAfter: Int, busy: Bool = false) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.busy = busy
    }
}
