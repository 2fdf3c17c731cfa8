import CivicModel
import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import GRDB
import Testing

@Suite("Joining and leaving events across nodes", .serialized, .liveNodes)
struct ParticipationTests {
    @Test("An actor on another node joins and leaves; a full event rejects the next one; an event on a blocked server can be left")
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

            // Once the event's server is blocked, gamma can still leave: no Leave goes out.
            _ = try await BlockUseCase(node: remote.node).block(domain: home.node.uris.authority, reason: nil)
            try await ParticipationUseCase(node: remote.node).leave(name: "gamma", eventID: event)
            #expect(try await remote.database.participation(event: event, actor: gamma.id) == nil)
        }
    }

    @Test("A restricted event keeps joins pending until the organiser approves or declines; joining again once accepted changes nothing")
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

            // Joining again once accepted changes nothing on either node.
            #expect(try await participation.join(name: "beta", eventID: event) == "accepted")
            try await network.waitUntilQuiet()
            #expect(try await remote.database.participation(event: event, actor: beta.id)?.state == "accepted")
            #expect(try await organiser.attendees(name: "alpha", eventID: event) == [beta.id])
        }
    }

    @Test("An event with external registration answers joins with Ignore; its attendees collection shows the count, not who")
    func externalAndAttendeesCollection() async throws {
        try await withTestNetwork(count: 2) { network in
            let (home, remote) = (network.nodes[0], network.nodes[1])
            try await home.organization("alpha")
            let beta = try await remote.organization("beta")
            var draft = EventTests.hybrid("Conference with its own registration")
            draft.joinMode = .external
            draft.externalParticipationUrl = "https://conference.example/register"
            let external = try await EventUseCase(node: home.node).publish(name: "alpha", draft: draft)
            let open = try await EventUseCase(node: home.node).publish(name: "alpha", draft: EventTests.hybrid("Open workshop"))

            // beta's node would refuse to join (it reads joinMode first); another server's Join gets an Ignore.
            let join = CanonicalJSON.encode(ActivityDocuments.join(id: "\(beta.id)/activities/join-external", actor: beta.id, event: external))
            #expect(try await SignedPost.make(to: "\(home.base)/inbox", body: join, as: beta.id, of: remote).send().status == 202)
            try await ParticipationUseCase(node: remote.node).join(name: "beta", eventID: open)
            try await network.waitUntilQuiet()
            // Ignored: the organiser's node records nobody, and beta's node received the Ignore.
            #expect(try await ParticipationUseCase(node: home.node).attendees(name: "alpha", eventID: external).isEmpty)
            let received = try await remote.database.writer.read { db in
                try InboxItemRecord.filter(Column("type") == "Ignore").fetchCount(db)
            }
            #expect(received == 1)
            // The organiser's node answered with an Ignore embedding the Join, not a Reject.
            let answers = try await home.database.writer.read { db in
                try ActivityRecord.filter(Column("objectId") != nil).fetchAll(db)
            }.map { try JSONParser().parse($0.document) }
            let ignore = try #require(answers.first { $0["type"]?.stringValue == "Ignore" })
            #expect(ignore["object"]?["type"]?.stringValue == "Join")
            #expect(ignore["object"]?["actor"]?.stringValue == beta.id)
            #expect(ignore["object"]?["object"]?.stringValue == external)
            #expect(!answers.contains { $0["type"]?.stringValue == "Reject" })
            // Organisations on either node are told where to register instead.
            for (node, name) in [(home, "alpha"), (remote, "beta")] {
                do {
                    try await ParticipationUseCase(node: node.node).join(name: name, eventID: external)
                    Issue.record("\(name) joined an event with external registration")
                } catch let error as DomainError {
                    #expect(error.code == "event.externalRegistration")
                    #expect(error.message.contains("https://conference.example/register"))
                }
            }

            let document = try await HTTPTestClient.getJSON(external)
            #expect(document["joinMode"]?.stringValue == "external")
            #expect(document["externalParticipationUrl"]?.stringValue == "https://conference.example/register")
            #expect(document["attendees"]?.stringValue == "\(external)/attendees")
            let collection = try await HTTPTestClient.getJSON("\(open)/attendees")
            #expect(collection["type"]?.stringValue == "OrderedCollection")
            #expect(collection["totalItems"]?.numberValue == 1)
            #expect(collection["orderedItems"] == nil && collection["items"] == nil)
            #expect(try await HTTPTestClient.send(.GET, "\(home.base)/objects/nonexistent/attendees").status == 404)
            // A deleted event's attendees are gone like the event itself.
            try await EventUseCase(node: home.node).delete(name: "alpha", objectID: open)
            #expect(try await HTTPTestClient.send(.GET, open).status == 410)
            #expect(try await HTTPTestClient.send(.GET, "\(open)/attendees").status == 410)
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
