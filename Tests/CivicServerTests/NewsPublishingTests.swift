import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Publishing news to followers on other nodes", .serialized, .liveNodes)
struct NewsPublishingTests {
    @Test("News reaches the follower's node once per server, and is served as a Note and in the outbox")
    func publishNews() async throws {
        try await withTestNetwork(count: 3) { network in
            let (home, second, third) = (network.nodes[0], network.nodes[1], network.nodes[2])
            let alpha = try await home.organization("alpha")
            // Two followers on the second node share its inbox; one on the third
            for (node, name) in [(second, "beta"), (second, "gamma"), (third, "delta")] {
                try await node.organization(name)
                try await FollowUseCase(node: node.node).follow(from: name, handle: home.handle("alpha"))
            }
            try await network.waitUntilQuiet()

            let id = try await NewsUseCase(node: home.node).publish(name: "alpha", text: "Workshop <tomorrow> & more\n\nSecond paragraph")
            try await network.waitUntilQuiet()

            let note = try await HTTPTestClient.getJSON(id)
            #expect(note["type"]?.stringValue == "Note")
            #expect(note["attributedTo"]?.stringValue == alpha.id)
            #expect(note["content"]?.stringValue == "<p>Workshop &lt;tomorrow&gt; &amp; more</p><p>Second paragraph</p>")
            #expect(note["to"]?.iris == [AS.publicCollection])
            let outbox = try await HTTPTestClient.getJSON("\(alpha.id)/outbox?page=1")
            let create = try #require(outbox["orderedItems"]?.arrayValue?.first)
            #expect(create["type"]?.stringValue == "Create")
            #expect(create["object"]?["id"]?.stringValue == id)

            let creates = try await home.database.writer.read { db in
                try DeliveryRecord.filter(sql: "activityId = ?", arguments: [create["id"]?.stringValue ?? ""]).fetchAll(db)
            }
            #expect(Set(creates.map(\.inbox)) == ["\(second.base)/inbox", "\(third.base)/inbox"])
            #expect(creates.allSatisfy { $0.state == "delivered" })
            for node in [second, third] {
                let received = try await node.database.writer.read { db in
                    try InboxItemRecord.filter(sql: "type = 'Create' AND actorId = ?", arguments: [alpha.id]).fetchCount(db)
                }
                #expect(received == 1)
            }
        }
    }

    @Test("Empty and oversized news is refused naming the field, size counted in code points")
    func refusals() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            // Combining marks: one character to `String.count` however many follow the letter.
            let marks = "a" + String(repeating: "\u{301}", count: NewsUseCase.maxLength)
            #expect(marks.count == 1)
            for text in ["", "   \n ", String(repeating: "x", count: NewsUseCase.maxLength + 1), marks] {
                await #expect(throws: DomainError.self) { try await NewsUseCase(node: node.node).publish(name: "alpha", text: text) }
            }
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/objects/nothing").status == 404)
        }
    }
}

import CivicModel
import GRDB
