import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// What the node-wide feeds list: every organisation's events (calendar) or news and articles
/// (Atom), optionally only those tagged with one field of work.
package struct FeedUseCase: Sendable {
    let node: Node
    /// Items per node-wide feed.
    static let limit = 500

    package init(node: Node) {
        self.node = node
    }

    /// The node's events, or those of one field of work (`notFound` for an unknown field).
    package func events(field: String?) async throws -> [JSONValue] {
        try await documents(types: ["Event"], field: field)
    }

    /// The node's news and articles, or those of one field of work.
    package func publications(field: String?) async throws -> [JSONValue] {
        try await documents(types: ["Note", "Article"], field: field)
    }

    private func documents(types: [String], field: String?) async throws -> [JSONValue] {
        var iri: String?
        if let field {
            guard let known = FieldOfWork.named(field) else {
                throw DomainError.notFound("field.notFound", "\"\(field.prefix(60))\" is not a field of work of the taxonomy")
            }
            iri = known.iri
        }
        return try await node.database.localObjects(types: types, limit: Self.limit).compactMap { record in
            let document = try JSONParser(limits: .stored).parse(record.document)
            guard let iri else { return document }
            return document["fieldOfWork"]?.iris.contains(iri) == true ? document : nil
        }
    }
}
