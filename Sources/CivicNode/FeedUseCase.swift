import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// What the node-wide feeds list: every organisation's events (calendar) or news and articles
/// (Atom), optionally only those tagged with one field of work. The `discovery` scope adds what
/// the node received from the organisations it follows: the shared discovery graph as this node
/// sees it.
package struct FeedUseCase: Sendable {
    let node: Node
    /// Items per node-wide feed.
    static let limit = 500

    /// Whose content a feed lists.
    package enum Scope: Sendable {
        /// The node's own organisations.
        case local
        /// The node's own and what it received from the organisations they follow, public only.
        case discovery
    }

    package init(node: Node) {
        self.node = node
    }

    /// The node's events, or those of one field of work (`notFound` for an unknown field).
    package func events(field: String?, scope: Scope = .local) async throws -> [JSONValue] {
        try await documents(types: ["Event"], field: field, scope: scope)
    }

    /// The node's news and articles, or those of one field of work.
    package func publications(field: String?, scope: Scope = .local) async throws -> [JSONValue] {
        try await documents(types: ["Note", "Article"], field: field, scope: scope)
    }

    /// Events not yet over, soonest first, and the latest publications, each with its author's
    /// name where known: what the discovery page shows.
    package func discovery(field: String?, limit: Int = 100) async throws -> (
        events: [JSONValue], publications: [JSONValue], authors: [String: String]
    ) {
        let now = node.clock.now
        func date(_ event: JSONValue, _ key: String) -> Date? { event[key]?.stringValue.flatMap(Timestamp.date) }
        let upcoming = try await events(field: field, scope: .discovery).compactMap { event -> (Date, JSONValue)? in
            guard let start = date(event, "startTime"), (date(event, "endTime") ?? start) >= now else { return nil }
            return (start, event)
        }
        let events = upcoming.sorted { $0.0 < $1.0 }.map(\.1)
        let publications = try await publications(field: field, scope: .discovery)
        let shown = Array(events.prefix(limit)) + Array(publications.prefix(limit))
        let ids = Set(shown.compactMap { $0["attributedTo"]?.iris.first })
        let authors = try await node.database.actors(ids: ids).reduce(into: [String: String]()) { names, actor in
            names[actor.id] = actor.name ?? "\(actor.preferredUsername)@\(actor.host)"
        }
        return (Array(events.prefix(limit)), Array(publications.prefix(limit)), authors)
    }

    private func documents(types: [String], field: String?, scope: Scope) async throws -> [JSONValue] {
        var iri: String?
        if let field {
            guard let known = FieldOfWork.named(field) else {
                throw DomainError.notFound("field.notFound", "\"\(field.prefix(60))\" is not a field of work of the taxonomy")
            }
            iri = known.iri
        }
        let records = switch scope {
        case .local: try await node.database.localObjects(types: types, limit: Self.limit)
        case .discovery: try await node.database.discoverableObjects(types: types, limit: Self.limit)
        }
        return try records.compactMap { record in
            let document = try JSONParser(limits: .stored).parse(record.document)
            // FEP-8a8e: content from elsewhere is listed only when addressed `to` the public.
            if !record.isLocal, !(document["to"]?.iris ?? []).contains(where: AS.publicAliases.contains) { return nil }
            guard let iri else { return document }
            return document["fieldOfWork"]?.iris.contains(iri) == true ? document : nil
        }
    }
}
