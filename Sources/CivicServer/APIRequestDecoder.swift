import CivicVocabulary
import Foundation
import Hummingbird

/// Reads admin API request bodies. The body is parsed by the node's own JSON parser first, the
/// one the inbox uses. It refuses trailing commas and duplicate keys, which Foundation's
/// `JSONDecoder` lets through, and it names the byte where reading stopped. The parsed body is
/// then mapped to the route's type, and every refusal names its field. Both refusals are 400s,
/// with a message a person can act on.
package struct APIRequestDecoder: RequestDecoder {
    package func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let data = Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        do {
            _ = try JSONParser().parse(data)
        } catch let error as VocabularyError {
            throw BodyRefusal(code: "body.notJSON", message: "the body is not valid JSON: \(error.reason)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw BodyRefusal(error)
        }
    }
}

/// A request body that is not JSON, or not JSON of the route's shape: 400.
struct BodyRefusal: Error {
    var code: String
    var message: String

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The refusal for what `JSONDecoder` reported, with the field written as in the body
    /// (`location.name`, `fieldsOfWork[2]`).
    init(_ error: DecodingError) {
        code = "body.invalid"
        switch error {
        case .keyNotFound(let key, let context):
            message = "\(Self.path(context.codingPath + [key])): is required"
        case .valueNotFound(_, let context):
            message = "\(Self.path(context.codingPath)): must not be null"
        case .typeMismatch(let type, let context):
            message = "\(Self.path(context.codingPath)): must be \(Self.kind(of: type))"
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            message = "\(Self.path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted:
            // The body parsed above, so JSONDecoder refused a value it could not represent (such
            // as a number that does not fit a whole-number field) without saying where.
            message = "a value in the body does not fit its field"
        @unknown default:
            message = "the body does not have the shape this route takes"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path.isEmpty ? "the body" : path
    }

    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "a \(type)"
        }
    }
}
