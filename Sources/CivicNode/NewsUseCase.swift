import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Publishing news: a public `Note` by an organisation, sent to its followers in a `Create`.
package struct NewsUseCase: Sendable {
    let node: Node
    /// News longer than this is refused (Mastodon's default is 500 characters; news may be longer).
    package static let maxLength = 5000

    package init(node: Node) {
        self.node = node
    }

    /// Publishes `text` as news of organisation `name`; returns the object id.
    @discardableResult
    package func publish(name: String, text: String) async throws -> String {
        let author = try await ActorUseCase(node: node).localActor(named: name)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.invalid(field: "content", reason: "must not be empty") }
        guard trimmed.count <= Self.maxLength else {
            throw DomainError.invalid(field: "content", reason: "must be at most \(Self.maxLength) characters")
        }
        guard let followers = author.followers else {
            throw DomainError.invalid(field: "org", reason: "\(name) has no followers collection")
        }
        let now = node.clock.now
        let outbox = Outbox(node: node)
        let objectID = node.uris.object(TimeSortableID.make(at: now))
        let published = Timestamp.string(now)
        let note = ActivityDocuments.note(id: objectID, actor: author.id, followers: followers, html: PlainText.html(trimmed), published: published)
        let create = ActivityDocuments.create(id: outbox.newActivityID(), actor: author.id, object: note, published: published)
        let inboxes = try await node.database.followerInboxes(of: author.id)
        try await node.database.insert(
            object: ObjectRecord(
                id: objectID, type: "Note", attributedTo: author.id, isLocal: true, isPublic: true,
                document: CanonicalJSON.encode(note), published: now),
            activity: try outbox.record(create, actorID: author.id, isPublic: true),
            deliveries: try outbox.deliveries(of: create, from: author.id, to: inboxes))
        node.deliveries.wake.signal()
        return objectID
    }
}
