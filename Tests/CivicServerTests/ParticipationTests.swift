import CivicModel
import CivicNode
import CivicTesting
import Foundation
import Testing

@Suite("Joining and leaving events across nodes", .serialized)
struct ParticipationTests {
    @Test("An actor on another node joins and leaves; a full event rejects the next one")
    func joinLeaveAndFull() async throws {
        try await withTestNetwork(count: 2) { network in
            let (home, remote) = (network.nodes[0], network.nodes[1])
            try await home.organization("alpha")
            let beta = try await remote.organization("beta")
            let gamma = try await remote.organization("gamma")
            var draft = EventTests.hybrid("Workshop with one seat")
            draft.maximumAttendeeCapacity = 1
            let event = try await EventUseCase(node: home.node).publish(name: "alpha", draft: draft)

            // beta joins: pending until the organiser's node accepts
            #expect(try await ParticipationUseCase(node: remote.node).join(name: "beta", eventID: event) == "pending")
            try await network.waitUntilQuiet()
            #expect(try await remote.database.participation(event: event, actor: beta.id)?.state == "accepted")
            #expect(try await ParticipationUseCase(node: home.node).attendees(name: "alpha", eventID: event) == [beta.id])

            // gamma joins the full event and is rejected
            try await ParticipationUseCase(node: remote.node).join(name: "gamma", eventID: event)
            try await network.waitUntilQuiet()
            #expect(try await remote.database.participation(event: event, actor: gamma.id) == nil)
            #expect(try await ParticipationUseCase(node: home.node).attendees(name: "alpha", eventID: event) == [beta.id])

            // beta leaves, and the seat is free again
            try await ParticipationUseCase(node: remote.node).leave(name: "beta", eventID: event)
            try await network.waitUntilQuiet()
            #expect(try await ParticipationUseCase(node: home.node).attendees(name: "alpha", eventID: event).isEmpty)
            try await ParticipationUseCase(node: remote.node).join(name: "gamma", eventID: event)
            try await network.waitUntilQuiet()
            #expect(try await remote.database.participation(event: event, actor: gamma.id)?.state == "accepted")
        }
    }

    @Test("A restricted event keeps joins pending until the organiser approves or declines")
    func restricted() async throws {
        try await withTestNetwork(count: 2) { network in
            let (home, remote) = (network.nodes[0], network.nodes[1])
            try await home.organization("alpha")
            let beta = try await remote.organization("beta")
            let gamma = try await remote.organization("gamma")
            var draft = EventTests.hybrid("Closed strategy meeting")
            draft.joinMode = .restricted
            let event = try await EventUseCase(node: home.node).publish(name: "alpha", draft: draft)
            let participation = ParticipationUseCase(node: remote.node)
            try await participation.join(name: "beta", eventID: event)
            try await participation.join(name: "gamma", eventID: event)
            try await network.waitUntilQuiet()
            #expect(try await remote.database.participation(event: event, actor: beta.id)?.state == "pending")
            #expect(try await home.database.participation(event: event, actor: beta.id)?.state == "pending")

            let organiser = ParticipationUseCase(node: home.node)
            try await organiser.decide(name: "alpha", eventID: event, participantID: beta.id, approve: true)
            try await organiser.decide(name: "alpha", eventID: event, participantID: gamma.id, approve: false)
            try await network.waitUntilQuiet()
            #expect(try await remote.database.participation(event: event, actor: beta.id)?.state == "accepted")
            #expect(try await remote.database.participation(event: event, actor: gamma.id) == nil)
            #expect(try await organiser.attendees(name: "alpha", eventID: event) == [beta.id])
            await #expect(throws: DomainError.self) {
                try await organiser.decide(name: "alpha", eventID: event, participantID: gamma.id, approve: true)
            }
        }
    }

    @Test("Joining something that is not an event, or leaving without joining, is refused")
    func refusals() async throws {
        try await withTestNetwork(count: 2) { network in
            let (home, remote) = (network.nodes[0], network.nodes[1])
            let alpha = try await home.organization("alpha")
            try await remote.organization("beta")
            let note = try await NewsUseCase(node: home.node).publish(name: "alpha", text: "Not an event")
            await #expect(throws: DomainError.self) { try await ParticipationUseCase(node: remote.node).join(name: "beta", eventID: note) }
            await #expect(throws: DomainError.self) { try await ParticipationUseCase(node: remote.node).join(name: "beta", eventID: alpha.id) }
            await #expect(throws: DomainError.self) { try await ParticipationUseCase(node: remote.node).leave(name: "beta", eventID: note) }
        }
    }
}
