import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Turns an activity authored here into its stored record and one delivery per inbox.
/// Callers write both in their use case's transaction, then wake the delivery worker.
struct Outbox {
    let node: Node

    /// A new activity id under `/activities/`.
    func newActivityID() -> String {
        node.uris.activity(TimeSortableID.make(at: node.clock.now))
    }

    func record(_ document: JSONValue, actorID: String, isPublic: Bool) throws -> ActivityRecord {
        guard let id = document["id"]?.stringValue, let type = document.types.first else {
            throw DomainError.invalid(field: "activity", reason: "an activity needs an id and a type")
        }
        return ActivityRecord(
            id: id, type: type, actorId: actorID, objectId: document["object"]?.iri, isLocal: true, isPublic: isPublic,
            document: CanonicalJSON.encode(document), published: node.clock.now)
    }

    /// One delivery per distinct inbox, signed by `signer`.
    func deliveries(of document: JSONValue, from signer: String, to inboxes: [String]) throws -> [DeliveryRecord] {
        guard let id = document["id"]?.stringValue else { return [] }
        let body = CanonicalJSON.encode(document)
        var seen = Set<String>()
        return try inboxes.filter { seen.insert($0).inserted }.map { inbox in
            DeliveryRecord(activityId: id, inbox: inbox, host: try IRI.authority(of: inbox), signerId: signer, body: body, at: node.clock.now)
        }
    }
}
