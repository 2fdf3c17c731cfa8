import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// The lifecycle every public object an organisation authors shares (news, events): signed and
/// sent in a `Create`, changed by an `Update` carrying the whole new object, replaced by a
/// `Tombstone` on `Delete`. Followers get each activity; the object is served at its id.
struct Publication {
    let node: Node
    var outbox: Outbox { Outbox(node: node) }

    /// A new object id under `/objects/`.
    func newObjectID() -> String {
        node.uris.object(TimeSortableID.make(at: node.clock.now))
    }

    /// Signs `object` by `author`, stores it, and sends it to the followers in a `Create`.
    func publish(_ object: JSONValue, by author: ActorProfile) async throws -> String {
        guard let objectID = object["id"]?.stringValue, let type = object.types.first else {
            throw DomainError.invalid(field: "object", reason: "an object needs an id and a type")
        }
        let now = node.clock.now
        let signed = try await outbox.signed(object, by: author.id)
        let create = ActivityDocuments.create(id: outbox.newActivityID(), actor: author.id, object: signed, published: Timestamp.string(now))
        let prepared = try await outbox.prepare(create, by: author.id, isPublic: true, to: try await node.database.followerInboxes(of: author.id))
        try await node.database.insert(
            object: ObjectRecord(
                id: objectID, type: type, attributedTo: author.id, isLocal: true, isPublic: true,
                document: CanonicalJSON.encode(signed), published: now),
            activity: prepared.activity, deliveries: prepared.deliveries)
        node.deliveries.wake.signal()
        return objectID
    }

    /// Applies `change` to the stored object of type `type`, re-signs it with a new `updated`, and
    /// sends it in an `Update`.
    func update(
        name: String, objectID: String, type: String, change: (inout [String: JSONValue]) throws -> Void
    ) async throws {
        let (author, stored) = try await own(name: name, objectID: objectID, type: type)
        guard case .object(var members) = try JSONParser(limits: .stored).parse(stored.document) else {
            throw DomainError.conflict("object.corrupt", "the stored object cannot be read")
        }
        try change(&members)
        let now = node.clock.now
        members["updated"] = .string(Timestamp.string(now))
        members["proof"] = nil
        let signed = try await outbox.signed(.object(members), by: author.id)
        let update = ActivityDocuments.update(id: outbox.newActivityID(), actor: author.id, object: signed, published: Timestamp.string(now))
        let prepared = try await outbox.prepare(update, by: author.id, isPublic: true, to: try await node.database.followerInboxes(of: author.id))
        var replaced = stored
        replaced.document = CanonicalJSON.encode(signed)
        replaced.updated = now
        try await node.database.replace(object: replaced, activities: [prepared.activity], deliveries: prepared.deliveries)
        node.documents.invalidate(objectID)
        node.deliveries.wake.signal()
    }

    /// Replaces the object with a `Tombstone` (served with 410) and sends a `Delete`. The Create
    /// and Updates that carried its content become Tombstones too (410 at their ids, gone from
    /// the outbox): deleted content is not served anywhere.
    func delete(name: String, objectID: String, type: String) async throws {
        let (author, stored) = try await own(name: name, objectID: objectID, type: type)
        let now = node.clock.now
        let deleted = Timestamp.string(now)
        let tombstone = ActivityDocuments.tombstone(id: objectID, formerType: stored.type, deleted: deleted)
        let delete = ActivityDocuments.delete(id: outbox.newActivityID(), actor: author.id, object: tombstone, published: deleted)
        let prepared = try await outbox.prepare(delete, by: author.id, isPublic: true, to: try await node.database.followerInboxes(of: author.id))
        var replaced = stored
        replaced.type = "Tombstone"
        replaced.document = CanonicalJSON.encode(tombstone)
        replaced.updated = now
        let retired = try await node.database.contentActivities(about: objectID).map { activity in
            var retired = activity
            retired.type = "Tombstone"
            retired.document = CanonicalJSON.encode(ActivityDocuments.tombstone(id: activity.id, formerType: activity.type, deleted: deleted))
            return retired
        }
        try await node.database.tombstone(object: replaced, retired: retired, deletion: prepared.activity, deliveries: prepared.deliveries)
        node.documents.invalidate(objectID)
        for activity in retired { node.documents.invalidate(activity.id) }
        node.deliveries.wake.signal()
    }

    private func own(name: String, objectID: String, type: String) async throws -> (ActorProfile, ObjectRecord) {
        let author = try await ActorUseCase(node: node).localActor(named: name)
        guard let stored = try await node.database.object(id: objectID), stored.isLocal, stored.attributedTo == author.id else {
            throw DomainError.notFound("object.notFound", "\(name) has no \(type) \(objectID)")
        }
        guard stored.type != "Tombstone" else { throw DomainError(.gone, code: "object.deleted", message: "this \(type) was deleted") }
        guard stored.type == type else { throw DomainError.notFound("object.notFound", "\(objectID) is not a \(type)") }
        return (author, stored)
    }
}
