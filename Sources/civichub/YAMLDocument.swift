import CivicVocabulary
import Foundation
import Yams

/// A YAML document read as the JSON value it describes, with the limits the JSON parser has:
/// nesting depth and a node budget (aliases can make a small file describe a huge tree).
enum YAMLDocument {
    static let maxDepth = 32
    static let maxNodes = 50_000

    static func json(_ data: Data) throws(VocabularyError) -> JSONValue {
        guard let text = String(data: data, encoding: .utf8) else { throw VocabularyError(code: "yaml.invalid", reason: "the file is not UTF-8") }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw VocabularyError(code: "yaml.invalid", reason: "not valid YAML: \(String(describing: error).prefix(200))")
        }
        guard let root else { throw VocabularyError(code: "yaml.invalid", reason: "the file is empty") }
        var budget = maxNodes
        return try convert(root, depth: 0, budget: &budget)
    }

    /// Plain `null`/`~` and `true`/`false` (YAML 1.2's core schema) become null and booleans;
    /// every other scalar stays text — `no` is Norwegian, `01067` a postal code — and numeric
    /// fields read their number from it.
    private static func convert(_ node: Node, depth: Int, budget: inout Int) throws(VocabularyError) -> JSONValue {
        budget -= 1
        guard budget >= 0 else { throw VocabularyError(code: "yaml.invalid", reason: "more than \(maxNodes) values (aliases expanded)") }
        guard depth <= maxDepth else { throw VocabularyError(code: "yaml.invalid", reason: "nested deeper than \(maxDepth) levels") }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .string(scalar.string) }
            switch scalar.string {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for element in sequence { elements.append(try convert(element, depth: depth + 1, budget: &budget)) }
            return .array(elements)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { throw VocabularyError(code: "yaml.invalid", reason: "mapping keys must be plain names") }
                members[name.string] = try convert(value, depth: depth + 1, budget: &budget)
            }
            return .object(members)
        case .alias:
            throw VocabularyError(code: "yaml.invalid", reason: "unresolved alias")
        }
    }
}
