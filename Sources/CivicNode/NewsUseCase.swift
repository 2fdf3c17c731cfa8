import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Publishing news: a public `Note` by an organisation, sent to its followers in a `Create`,
/// changed with an `Update`, removed with a `Delete` (a `Tombstone` stays).
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
        let trimmed = try validated(text)
        guard let followers = author.followers else {
            throw DomainError.invalid(field: "org", reason: "\(name) has no followers collection")
        }
        let now = node.clock.now
        let outbox = Outbox(node: node)
        let objectID = node.uris.object(TimeSortableID.make(at: now))
        let published = Timestamp.string(now)
        let note = try await outbox.signed(
            ActivityDocuments.note(id: objectID, actor: author.id, followers: followers, html: PlainText.html(trimmed), published: published),
            by: author.id)
        let create = ActivityDocuments.create(id: outbox.newActivityID(), actor: author.id, object: note, published: published)
        let prepared = try await outbox.prepare(
            create, by: author.id, isPublic: true, to: try await node.database.followerInboxes(of: author.id))
        try await node.database.insert(
            object: ObjectRecord(
                id: objectID, type: "Note", attributedTo: author.id, isLocal: true, isPublic: true,
                document: CanonicalJSON.encode(note), published: now),
            activity: prepared.activity, deliveries: prepared.deliveries)
        node.deliveries.wake.signal()
        return objectID
    }
}

extension NewsUseCase {
    /// Replaces the text of a news item; followers get an `Update` with the new, newly signed Note.
    package func update(name: String, objectID: String, text: String) async throws {
        let (author, stored) = try await ownNews(name: name, objectID: objectID)
        let trimmed = try validated(text)
        guard case .object(var members) = try JSONParser(limits: .stored).parse(stored.document) else {
            throw DomainError.conflict("object.corrupt", "the stored note cannot be read")
        }
        let now = node.clock.now
        members["content"] = .string(PlainText.html(trimmed))
        members["updated"] = .string(Timestamp.string(now))
        members["proof"] = nil
        let outbox = Outbox(node: node)
        let note = try await outbox.signed(.object(members), by: author.id)
        let update = ActivityDocuments.update(id: outbox.newActivityID(), actor: author.id, object: note, published: Timestamp.string(now))
        let prepared = try await outbox.prepare(update, by: author.id, isPublic: true, to: try await node.database.followerInboxes(of: author.id))
        var replaced = stored
        replaced.document = CanonicalJSON.encode(note)
        replaced.updated = now
        try await node.database.replace(object: replaced, activities: [prepared.activity], deliveries: prepared.deliveries)
        node.documents.invalidate(objectID)
        node.deliveries.wake.signal()
    }

    /// Deletes a news item: it is served as a `Tombstone` (410 Gone) and followers get a `Delete`.
    package func delete(name: String, objectID: String) async throws {
        let (author, stored) = try await ownNews(name: name, objectID: objectID)
        let now = node.clock.now
        let tombstone = ActivityDocuments.tombstone(id: objectID, formerType: stored.type, deleted: Timestamp.string(now))
        let outbox = Outbox(node: node)
        let delete = ActivityDocuments.delete(id: outbox.newActivityID(), actor: author.id, object: tombstone, published: Timestamp.string(now))
        let prepared = try await outbox.prepare(delete, by: author.id, isPublic: true, to: try await node.database.followerInboxes(of: author.id))
        var replaced = stored
        replaced.type = "Tombstone"
        replaced.document = CanonicalJSON.encode(tombstone)
        replaced.updated = now
        try await node.database.replace(object: replaced, activities: [prepared.activity], deliveries: prepared.deliveries)
        node.documents.invalidate(objectID)
        node.deliveries.wake.signal()
    }

    private func ownNews(name: String, objectID: String) async throws -> (ActorProfile, ObjectRecord) {
        let author = try await ActorUseCase(node: node).localActor(named: name)
        guard let stored = try await node.database.object(id: objectID), stored.isLocal, stored.attributedTo == author.id else {
            throw DomainError.notFound("object.notFound", "\(name) has no news item \(objectID)")
        }
        guard stored.type != "Tombstone" else { throw DomainError(.gone, code: "object.deleted", message: "this news item was deleted") }
        return (author, stored)
    }

    func validated(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.invalid(field: "content", reason: "must not be empty") }
        guard trimmed.count <= Self.maxLength else {
            throw DomainError.invalid(field: "content", reason: "must be at most \(Self.maxLength) characters")
        }
        return trimmed
    }
}
