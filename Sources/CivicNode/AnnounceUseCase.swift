import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Sharing content (`Announce`): an organisation boosts its own or others' public objects to its
/// followers; announced objects arriving here are taken from their origin or from a verifying
/// FEP-8b32 proof, never from the word of the announcer.
package struct AnnounceUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    func register(into listeners: inout InboxListeners) {
        listeners.on(.announce) { try await receiveAnnounce($0) }
    }

    /// Organisation `name` shares the public object `objectID` with its followers.
    @discardableResult
    package func announce(name: String, objectID: String) async throws -> String {
        let actor = try await ActorUseCase(node: node).localActor(named: name)
        if let stored = try await node.database.object(id: objectID) {
            guard stored.isPublic, stored.type != "Tombstone" else {
                throw DomainError.invalid(field: "object", reason: "only public, live objects can be shared")
            }
        } else if node.uris.isLocal(objectID) {
            throw DomainError.notFound("object.notFound", "there is no object \(objectID.prefix(200)) on this node")
        } else {
            do {
                let object = try await node.resolver.object(id: objectID)
                guard !object.hasType("Tombstone"), (object["to"]?.iris ?? []).contains(where: AS.publicAliases.contains) else {
                    throw DomainError.invalid(field: "object", reason: "only public, live objects can be shared")
                }
            } catch let error as FederationError {
                throw DomainError.invalid(field: "object", reason: "\(objectID) could not be fetched: \(error.reason)")
            }
        }
        let outbox = Outbox(node: node)
        let announce = ActivityDocuments.announce(
            id: outbox.newActivityID(), actor: actor.id, object: objectID, published: Timestamp.string(node.clock.now))
        return try await outbox.send(announce, by: actor.id, isPublic: true, to: try await node.database.followerInboxes(of: actor.id)).id
    }

    /// Keeps the announced object: an embedded copy only when its proof verifies with its
    /// author's key, otherwise the copy fetched from the object's origin.
    func receiveAnnounce(_ activity: InboxActivity) async throws {
        guard let embedded = activity.document["object"], let objectID = embedded.iri, !node.uris.isLocal(objectID),
              try await node.database.object(id: objectID) == nil
        else { return }
        if node.blocks.blocks(objectID) {
            node.logger.info("announce.blocked", metadata: ["activity.id": "\(activity.id)", "object.id": "\(objectID)"])
            return
        }
        var document: JSONValue?
        if case .object = embedded, embedded["proof"] != nil, let author = embedded["attributedTo"]?.iris.first,
           IRI.sameOrigin(author, objectID)
        {
            do {
                try await ContentPolicy(node: node).verifyProof(of: embedded, by: author)
                document = embedded
            } catch {
                node.logger.info("announce.proof.refused", metadata: ["activity.id": "\(activity.id)", "error": "\(error)"])
            }
        }
        let verified: JSONValue
        if let document {
            verified = document
        } else {
            verified = try await node.resolver.object(id: objectID)
        }
        guard let author = verified["attributedTo"]?.iris.first, IRI.sameOrigin(author, objectID) else { return }
        try await ContentUseCase(node: node).store(verified, author: author, with: activity.batch)
    }
}
