import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Events (FEP-8a8e): workshops, hackathons, conferences, at a place, online, or both.
package struct EventUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// Publishes an event of organisation `name`; returns its id.
    @discardableResult
    package func publish(name: String, draft: EventDraft) async throws -> String {
        try validate(draft)
        let author = try await ActorUseCase(node: node).localActor(named: name)
        guard let followers = author.followers else {
            throw DomainError.invalid(field: "org", reason: "\(name) has no followers collection")
        }
        let publication = Publication(node: node)
        return try await publication.publish(
            document(id: publication.newObjectID(), author: author.id, followers: followers, draft: draft), by: author)
    }

    /// Replaces an event's details; followers get an `Update`.
    package func update(name: String, objectID: String, draft: EventDraft) async throws {
        try validate(draft)
        try await Publication(node: node).update(name: name, objectID: objectID, type: "Event") { members in
            guard let author = members["attributedTo"]?.iri, let followers = members["cc"]?.iris.first,
                  case .object(let fresh) = document(id: objectID, author: author, followers: followers, draft: draft,
                                                      published: members["published"]?.stringValue)
            else { throw DomainError.conflict("object.corrupt", "the stored event cannot be read") }
            members = fresh
        }
    }

    /// Cancels an event by deleting it (a `Tombstone` stays, served with 410).
    package func delete(name: String, objectID: String) async throws {
        try await Publication(node: node).delete(name: name, objectID: objectID, type: "Event")
    }

    /// The events of organisation `name` (deleted ones excluded), newest published first, as stored documents.
    package func events(of name: String, limit: Int = 500) async throws -> [JSONValue] {
        let author = try await ActorUseCase(node: node).localActor(named: name)
        return try await node.database.objects(attributedTo: author.id, types: ["Event"], limit: limit).map {
            try JSONParser(limits: .stored).parse($0.document)
        }
    }

    private func validate(_ draft: EventDraft) throws {
        try draft.validate()
        guard draft.fieldsOfWork.count <= 10 else { throw DomainError.invalid(field: "fieldsOfWork", reason: "at most 10") }
        for field in draft.fieldsOfWork where FieldOfWork.named(field) == nil {
            throw DomainError.invalid(field: "fieldsOfWork", reason: "\"\(field.prefix(60))\" is not in the taxonomy")
        }
    }

    private func document(id: String, author: String, followers: String, draft: EventDraft, published: String? = nil) -> JSONValue {
        let location = draft.location.map {
            ActivityDocuments.EventLocation(
                name: $0.name, streetAddress: $0.streetAddress, postalCode: $0.postalCode, locality: $0.locality,
                country: $0.country, url: $0.url)
        }
        return ActivityDocuments.event(
            id: id, actor: author, followers: followers, name: draft.name.trimmingCharacters(in: .whitespacesAndNewlines),
            html: draft.description.map(PlainText.html), startTime: Timestamp.string(draft.startTime),
            endTime: draft.endTime.map(Timestamp.string), timezone: draft.timezone, location: location,
            terms: ActivityDocuments.EventTerms(
                capacity: draft.maximumAttendeeCapacity, joinMode: draft.joinMode.rawValue,
                externalParticipationUrl: draft.externalParticipationUrl, status: draft.status.rawValue, categories: draft.categories),
            fields: draft.fieldsOfWork.compactMap(FieldOfWork.named),
            published: published ?? Timestamp.string(node.clock.now))
    }
}
