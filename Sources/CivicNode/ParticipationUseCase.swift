import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Taking part in events: any actor, local or remote, joins an event and leaves it again; the
/// organiser's node answers with `Accept`, or `Reject` when the event is full — at once for a
/// `free` event, after the organiser decides for a `restricted` one. An `external` event takes
/// registrations elsewhere: joins are answered with `Ignore` (FEP-8a8e).
package struct ParticipationUseCase: Sendable {
    let node: Node
    var outbox: Outbox { Outbox(node: node) }

    package init(node: Node) {
        self.node = node
    }

    func register(into listeners: inout InboxListeners) {
        listeners.on(.join) { try await receiveJoin($0) }
        listeners.on(.leave) { try await receiveLeave($0) }
        // An organiser that takes registrations elsewhere ignores joins (FEP-8a8e): not taking part.
        listeners.on(.ignore) { _ = try await receiveAnswer($0, accepted: false) }
    }

    /// Local organisation `name` joins the event `eventID` (local or on another server).
    @discardableResult
    package func join(name: String, eventID: String) async throws -> String {
        let participant = try await ActorUseCase(node: node).localActor(named: name)
        let joinID = outbox.newActivityID()
        let now = node.clock.now
        if node.uris.isLocal(eventID) {
            let event = try await localEvent(eventID)
            if event.joinMode == .external { throw Self.externalRegistration(event.externalURL) }
            return try await node.database.saveParticipation(
                ParticipationRecord(
                    eventId: eventID, actorId: participant.id, activityId: joinID, state: event.joinMode == .restricted ? "pending" : "accepted",
                    createdAt: now),
                capacity: event.capacity)
        }
        let organiser = try await remoteOrganiser(of: eventID)
        let prepared = try await outbox.prepare(
            ActivityDocuments.join(id: joinID, actor: participant.id, event: eventID), by: participant.id, isPublic: false,
            to: [organiser.inbox])
        let state = try await node.database.saveParticipation(
            ParticipationRecord(eventId: eventID, actorId: participant.id, activityId: joinID, state: "pending", createdAt: now),
            announcements: ["pending": ([prepared.activity], prepared.deliveries)])
        node.deliveries.wake.signal()
        return state
    }

    /// Local organisation `name` leaves the event `eventID`.
    package func leave(name: String, eventID: String) async throws {
        let participant = try await ActorUseCase(node: node).localActor(named: name)
        guard try await node.database.participation(event: eventID, actor: participant.id) != nil else {
            throw DomainError.notFound("participation.notFound", "\(name) does not take part in \(eventID)")
        }
        guard !node.uris.isLocal(eventID) else {
            try await node.database.deleteParticipation(event: eventID, actor: participant.id)
            return
        }
        // Leaving always works here: when the event's server is blocked, gone or no longer shows
        // an organiser, the participation ends without a Leave.
        let organiser: ActorProfile
        do {
            organiser = try await remoteOrganiser(of: eventID)
        } catch {
            node.logger.notice("participation.left.unannounced", metadata: ["event.id": "\(eventID)", "error": "\(error)"])
            try await node.database.deleteParticipation(event: eventID, actor: participant.id)
            return
        }
        let prepared = try await outbox.prepare(
            ActivityDocuments.leave(id: outbox.newActivityID(), actor: participant.id, event: eventID), by: participant.id,
            isPublic: false, to: [organiser.inbox])
        try await node.database.deleteParticipation(
            event: eventID, actor: participant.id, activities: [prepared.activity], deliveries: prepared.deliveries)
        node.deliveries.wake.signal()
    }

    /// The accepted participants of one of organisation `name`'s events.
    package func attendees(name: String, eventID: String) async throws -> [String] {
        let organiser = try await ActorUseCase(node: node).localActor(named: name)
        guard let event = try await node.database.object(id: eventID), event.isLocal, event.type == "Event",
              event.attributedTo == organiser.id
        else {
            throw DomainError.notFound("object.notFound", "\(name) has no event \(eventID)")
        }
        return try await node.database.attendees(of: eventID)
    }

    // MARK: Incoming

    func receiveJoin(_ activity: InboxActivity) async throws {
        guard let eventID = activity.document["object"]?.iri, node.uris.isLocal(eventID),
              let participant = try await node.database.actor(id: activity.actorID)?.profile
        else { return }
        let event = try await localEvent(eventID)
        let now = node.clock.now
        if event.joinMode == .external {
            let ignore = ActivityDocuments.answerJoin(
                .ignore, id: outbox.newActivityID(), actor: event.organiser.id, join: activity.id, participant: participant.id, event: eventID)
            try await outbox.send(ignore, by: event.organiser.id, isPublic: false, to: [participant.inbox])
            return
        }
        guard event.joinMode != .restricted else {
            // The organiser decides; approve or decline sends the answer.
            try await node.database.saveParticipation(
                ParticipationRecord(eventId: eventID, actorId: participant.id, activityId: activity.id, state: "pending", createdAt: now))
            return
        }
        try await answer(joinID: activity.id, participant: participant, eventID: eventID, organiser: event.organiser, capacity: event.capacity)
    }

    /// The organiser of a restricted event approves (`Accept`, unless it is full) or declines
    /// (`Reject`) a pending join.
    package func decide(name: String, eventID: String, participantID: String, approve: Bool) async throws {
        let organiser = try await ActorUseCase(node: node).localActor(named: name)
        let event = try await localEvent(eventID)
        guard event.organiser.id == organiser.id,
              let pending = try await node.database.participation(event: eventID, actor: participantID), pending.state == "pending",
              let participant = try await node.database.actor(id: participantID)?.profile
        else {
            throw DomainError.notFound("participation.notFound", "no pending join of \(participantID) for this event")
        }
        try await answer(
            joinID: pending.activityId, participant: participant, eventID: eventID, organiser: organiser, capacity: event.capacity,
            decline: !approve)
    }

    /// Stores the outcome of a join and sends it: Accept, or Reject when declined or full.
    private func answer(
        joinID: String, participant: ActorProfile, eventID: String, organiser: ActorProfile, capacity: Int?, decline: Bool = false
    ) async throws {
        var answers: AppDatabase.Announcements = [:]
        for type in [AS.ActivityType.accept, .reject] {
            let document = ActivityDocuments.answerJoin(
                type, id: outbox.newActivityID(), actor: organiser.id, join: joinID, participant: participant.id, event: eventID)
            let prepared = try await outbox.prepare(document, by: organiser.id, isPublic: false, to: participant.isLocal ? [] : [participant.inbox])
            answers[type == .accept ? "accepted" : "rejected"] = ([prepared.activity], prepared.deliveries)
        }
        try await node.database.saveParticipation(
            ParticipationRecord(
                eventId: eventID, actorId: participant.id, activityId: joinID, state: decline ? "rejected" : "accepted",
                createdAt: node.clock.now),
            capacity: capacity, announcements: answers)
        node.deliveries.wake.signal()
    }

    func receiveLeave(_ activity: InboxActivity) async throws {
        guard let object = activity.document["object"] else { return }
        // Some servers send Leave of the event, others Leave of their Join.
        let eventID = object.hasType("Join") ? object["object"]?.iri : object.iri
        guard let eventID, node.uris.isLocal(eventID) else { return }
        try await node.database.deleteParticipation(event: eventID, actor: activity.actorID)
    }

    /// Accept or Reject of a Join we sent; true when it was one. Only an actor on the event's
    /// server may answer.
    func receiveAnswer(_ activity: InboxActivity, accepted: Bool) async throws -> Bool {
        guard let joinID = activity.document["object"]?.iri, let participation = try await node.database.participation(activityID: joinID)
        else { return false }
        guard IRI.sameOrigin(participation.eventId, activity.actorID) else { return true }
        try await node.database.answerParticipation(activityID: joinID, accepted: accepted)
        return true
    }

    /// The FEP-8a8e `attendees` collection of a local event: how many take part, not who
    /// (the organiser sees who through the API; participants of civic events may be at risk).
    package func attendeesCollection(eventID: String) async throws -> JSONValue {
        _ = try await localEvent(eventID)
        let count = try await node.database.attendeeCount(of: eventID)
        return [
            "@context": .string(AS.context), "id": .string("\(eventID)/attendees"), "type": "OrderedCollection",
            "totalItems": .number(Double(count)),
        ]
    }

    private func localEvent(_ eventID: String) async throws -> (
        organiser: ActorProfile, capacity: Int?, joinMode: EventDraft.JoinMode, externalURL: String?
    ) {
        let stored = try await node.database.object(id: eventID)
        if let stored, stored.isLocal, stored.type == "Tombstone" {
            throw DomainError(.gone, code: "object.deleted", message: "the event \(eventID) was deleted")
        }
        guard let event = stored, event.isLocal, event.type == "Event",
              let organiser = try await node.database.actor(id: event.attributedTo)?.profile
        else {
            throw DomainError.notFound("object.notFound", "no event \(eventID) on this node")
        }
        let document = try JSONParser(limits: .stored).parse(event.document)
        return (
            organiser, document["maximumAttendeeCapacity"]?.numberValue.map { Int($0) },
            document["joinMode"]?.stringValue.flatMap(EventDraft.JoinMode.init(rawValue:)) ?? .free,
            document["externalParticipationUrl"]?.stringValue
        )
    }

    /// Why an organisation cannot join an event that takes registrations elsewhere.
    private static func externalRegistration(_ url: String?) -> DomainError {
        .conflict("event.externalRegistration", "this event takes registrations at \(url.map { String($0.prefix(300)) } ?? "its own site")")
    }

    private func remoteOrganiser(of eventID: String) async throws -> ActorProfile {
        do {
            let event = try await node.resolver.object(id: eventID)
            guard event.hasType("Event"), let organiser = event["attributedTo"]?.iris.first ?? event["organizer"]?.iri,
                  IRI.sameOrigin(organiser, eventID)
            else {
                throw DomainError.invalid(field: "event", reason: "\(eventID) is not an event with an organiser on its server")
            }
            if event["joinMode"]?.stringValue == EventDraft.JoinMode.external.rawValue {
                throw Self.externalRegistration(event["externalParticipationUrl"]?.stringValue)
            }
            return try await node.resolver.actor(id: organiser)
        } catch let error as FederationError {
            throw DomainError.invalid(field: "event", reason: "\(eventID) could not be fetched: \(error.reason)")
        }
    }
}
