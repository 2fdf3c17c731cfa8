import CivicFederation
import CivicModel
import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import LoopbackPorts
import Testing

@Suite("Delivery worker against live endpoints", .serialized, .liveNodes)
struct DeliveryWorkerTests {
    static func enqueue(_ node: TestNode, from actor: ActorProfile, to inbox: String) async throws -> String {
        let activity = "\(node.base)/activities/\(UUID().uuidString)"
        let body = Data("{\"id\":\"\(activity)\",\"type\":\"Like\",\"actor\":\"\(actor.id)\",\"object\":\"\(actor.id)\"}".utf8)
        let delivery = DeliveryRecord(activityId: activity, inbox: inbox, host: try IRI.authority(of: inbox), signerId: actor.id, body: body, at: Date())
        try await node.database.insert(activities: [], deliveries: [delivery])
        node.node.deliveries.wake.signal()
        return activity
    }

    static func delivery(_ node: TestNode, _ activity: String) async throws -> DeliveryRecord? {
        try await node.database.deliveries(activityID: activity).first
    }

    @Test("A 404 from the inbox fails the delivery for good after one attempt")
    func notFoundIsPermanent() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let alpha = try await first.organization("alpha")
            let activity = try await Self.enqueue(first, from: alpha, to: "\(second.base)/actors/ghost/inbox")
            try await waitUntil("the delivery to fail") { try await Self.delivery(first, activity)?.state == "failed" }
            let record = try #require(try await Self.delivery(first, activity))
            #expect(record.attempts == 1)
            #expect(record.lastStatus == 404)
        }
    }

    @Test("A refused connection is retried on the schedule, not dropped")
    func connectionRefusedIsTransient() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            let closedPort = try freePort()
            let before = Date()
            let activity = try await Self.enqueue(node, from: alpha, to: "http://127.0.0.1:\(closedPort)/inbox")
            try await waitUntil("the first attempt") { try await Self.delivery(node, activity)?.attempts == 1 }
            let record = try #require(try await Self.delivery(node, activity))
            #expect(record.state == "pending")
            let delay = record.nextAttemptAt.timeIntervalSince(before)
            #expect(delay > 12 && delay < 20, "first retry after ~15 s, got \(delay)")
            #expect(record.lastError?.contains("fetch.network") == true)
        }
    }

    @Test("An inbox on an address outside the allowed ranges is never contacted")
    func privateAddressRefused() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            for inbox in ["http://127.0.0.2:\(node.configuration.port)/inbox", "http://[::1]:\(node.configuration.port)/inbox"] {
                let activity = try await Self.enqueue(node, from: alpha, to: inbox)
                try await waitUntil("the delivery to \(inbox) to be refused") { try await Self.delivery(node, activity)?.state == "failed" }
                #expect(try await Self.delivery(node, activity)?.lastError?.hasPrefix("fetch.addressRefused") == true)
            }
            #expect(try await node.database.inboxCounts().isEmpty, "the node's own inbox was never reached")
        }
    }

    @Test("A follow of a handle on an address outside the allowed ranges is refused before any request")
    func followRefusesPrivateHandle() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            await #expect(throws: DomainError.self) {
                try await FollowUseCase(node: node.node).follow(from: "alpha", handle: "acct:someone@127.0.0.2:\(node.configuration.port)")
            }
            await #expect(throws: DomainError.self) {
                try await FollowUseCase(node: node.node).follow(from: "alpha", handle: "not a handle")
            }
        }
    }
}
