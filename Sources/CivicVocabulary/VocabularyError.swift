/// Why outside input was refused by the vocabulary layer: a stable `code` and a reason safe to show the sender.
public struct VocabularyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `json.tooDeep`, `as.missingField`.
    public var code: String
    /// Human-readable explanation naming the offending field or position.
    public var reason: String

    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
