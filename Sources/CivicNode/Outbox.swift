import CivicCrypto
import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Turns an activity authored here into its signed, stored record and one delivery per inbox.
/// Callers write both in their use case's transaction, then wake the delivery worker.
struct Outbox {
    let node: Node

    /// A new activity id under `/activities/`.
    func newActivityID() -> String {
        node.uris.activity(TimeSortableID.make(at: node.clock.now))
    }

    /// The document with a FEP-8b32 proof by `actorID`'s Ed25519 key.
    func signed(_ document: JSONValue, by actorID: String) async throws -> JSONValue {
        let key = try await node.signers.proofKey(for: actorID)
        return try DataIntegrity.sign(document, keyID: node.uris.ed25519Key(actorID), key: key, created: Timestamp.string(node.clock.now))
    }

    /// Signs, stores and queues an activity that goes out on its own (not inside a use case's
    /// larger transaction), then wakes the delivery worker.
    @discardableResult
    func send(_ document: JSONValue, by actorID: String, isPublic: Bool, to inboxes: [String]) async throws -> ActivityRecord {
        let prepared = try await prepare(document, by: actorID, isPublic: isPublic, to: inboxes)
        try await node.database.insert(activities: [prepared.activity], deliveries: prepared.deliveries)
        node.deliveries.wake.signal()
        return prepared.activity
    }

    /// Signs an activity by its actor and returns its stored record and one delivery per distinct inbox.
    func prepare(
        _ document: JSONValue, by actorID: String, isPublic: Bool, to inboxes: [String]
    ) async throws -> (activity: ActivityRecord, deliveries: [DeliveryRecord]) {
        let signed = try await signed(document, by: actorID)
        guard let id = signed["id"]?.stringValue, let type = signed.types.first else {
            throw DomainError.invalid(field: "activity", reason: "an activity needs an id and a type")
        }
        let body = CanonicalJSON.encode(signed)
        let record = ActivityRecord(
            id: id, type: type, actorId: actorID, objectId: signed["object"]?.iri, isLocal: true, isPublic: isPublic,
            document: body, published: node.clock.now)
        var seen = Set<String>()
        let deliveries = try inboxes.filter { seen.insert($0).inserted }.map { inbox in
            DeliveryRecord(activityId: id, inbox: inbox, host: try IRI.authority(of: inbox), signerId: actorID, body: body, at: node.clock.now)
        }
        return (record, deliveries)
    }
}
