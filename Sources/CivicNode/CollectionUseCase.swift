import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// The paged collections of local actors: outbox, followers, following.
package struct CollectionUseCase: Sendable {
    let node: Node
    /// Items per page.
    package static let pageSize = 20
    /// Pages past this are refused, so a crawler cannot make the node scan without end.
    package static let maxPage = 10_000

    package init(node: Node) {
        self.node = node
    }

    /// Which collection.
    package enum Kind: String, Sendable {
        case outbox, followers, following
    }

    /// The collection document (`page == nil`) or one page of it.
    package func collection(_ kind: Kind, of name: String, page: Int?) async throws -> JSONValue {
        guard let actor = try await node.database.localActor(named: name)?.profile else {
            throw DomainError.notFound("actor.notFound", "no actor named \"\(name)\" on this node")
        }
        return try await collection(kind, of: actor, page: page)
    }

    /// The same for the instance actor (its outbox; it follows and is followed by peers later).
    package func instanceCollection(_ kind: Kind, page: Int?) async throws -> JSONValue {
        guard let actor = try await node.database.actor(id: node.uris.instanceActor)?.profile else {
            throw DomainError.notFound("actor.notFound", "the instance actor does not exist yet")
        }
        return try await collection(kind, of: actor, page: page)
    }

    private func collection(_ kind: Kind, of actor: ActorProfile, page: Int?) async throws -> JSONValue {
        if let page, !(1...Self.maxPage).contains(page) {
            throw DomainError.invalid(field: "page", reason: "must be between 1 and \(Self.maxPage)")
        }
        let collectionID = "\(actor.id)/\(kind.rawValue)"
        let offset = ((page ?? 1) - 1) * Self.pageSize
        let items: [JSONValue]
        let total: Int
        switch kind {
        case .outbox:
            let result = try await node.database.outbox(of: actor.id, limit: Self.pageSize, offset: offset)
            items = try result.activities.map { try JSONParser(limits: .stored).parse($0.document) }
            total = result.total
        case .followers, .following:
            let result = try await node.database.follows(
                of: actor.id, direction: kind == .followers ? .followers : .following, limit: Self.pageSize, offset: offset)
            items = result.ids.map(JSONValue.string)
            total = result.total
        }
        guard let page else {
            var members: [String: JSONValue] = [
                "@context": .string(AS.context), "id": .string(collectionID), "type": "OrderedCollection",
                "totalItems": .number(Double(total)),
            ]
            if total > 0 { members["first"] = .string(node.uris.page(collectionID, 1)) }
            return .object(members)
        }
        var members: [String: JSONValue] = [
            "@context": .string(AS.context), "id": .string(node.uris.page(collectionID, page)),
            "type": "OrderedCollectionPage", "partOf": .string(collectionID), "totalItems": .number(Double(total)),
            "orderedItems": .array(items),
        ]
        if offset + items.count < total { members["next"] = .string(node.uris.page(collectionID, page + 1)) }
        if page > 1 { members["prev"] = .string(node.uris.page(collectionID, page - 1)) }
        return .object(members)
    }
}
