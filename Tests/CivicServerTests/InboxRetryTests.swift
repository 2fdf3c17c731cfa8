import CivicCrypto
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import GRDB
import Testing

/// Processing that fails because another server did not answer is tried again later, like a
/// delivery; processing that fails for good is not.
@Suite("Inbox items are retried after transient failures", .serialized, .liveNodes)
struct InboxRetryTests {
    static func row(_ node: TestNode, _ activityID: String) async throws -> (state: String, attempts: Int, next: Date?)? {
        try await node.database.writer.read { db in
            try InboxItemRecord.filter(Column("activityId") == activityID).fetchOne(db).map { ($0.state, $0.attempts, $0.nextAttemptAt) }
        }
    }

    /// Makes a waiting item due now and wakes the worker.
    static func due(_ node: TestNode, _ activityID: String, attempts: Int? = nil) async throws {
        try await node.database.writer.write { db in
            try db.execute(
                sql: "UPDATE inboxItem SET nextAttemptAt = ?, attempts = COALESCE(?, attempts) WHERE activityId = ?",
                arguments: [StoredDate(Date()), attempts, activityID])
        }
        node.node.inboxWake.signal()
    }

    @Test("An Announce whose object's server answers 503 waits and is processed once it answers; after the last retry it fails")
    func announceRetried() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                let base = servers[0].base, key = try RSAKeyPair.generate()
                let ann = "\(base)/users/ann"
                servers[0].script("/users/ann", .actor(ann, key: key))
                var announces: [String] = []
                for name in ["1", "2"] {
                    servers[0].script("/notes/\(name)", .init(status: .serviceUnavailable))
                    let id = "\(ann)/announces/\(name)"
                    announces.append(id)
                    let announce: JSONValue = [
                        "@context": .string(AS.context), "id": .string(id), "type": "Announce", "actor": .string(ann),
                        "object": .string("\(base)/notes/\(name)"), "to": [.string(AS.publicCollection)],
                    ]
                    #expect(try await ActorDeletionTests.post(announce, by: ann, key: key, to: node).status == 202)
                }
                for id in announces {
                    try await waitUntil("the first attempt of \(id)") { try await Self.row(node, id)?.attempts == 1 }
                    let waiting = try #require(try await Self.row(node, id))
                    #expect(waiting.state == "pending")
                    // RetryPolicy: 15 s ± 10 % after the first attempt.
                    #expect(try #require(waiting.next).timeIntervalSinceNow > 10)
                }

                // The server answers again.
                servers[0].script("/notes/1", .activityJSON(String(decoding: CanonicalJSON.encode([
                    "@context": .string(AS.context), "id": .string("\(base)/notes/1"), "type": "Note", "attributedTo": .string(ann),
                    "content": "Back.", "to": [.string(AS.publicCollection)],
                ]), as: UTF8.self)))
                try await Self.due(node, announces[0])
                try await waitUntil("the retry of the first") { try await Self.row(node, announces[0])?.state == "done" }
                #expect(try await Self.row(node, announces[0])?.attempts == 2)
                #expect(try await node.database.object(id: "\(base)/notes/1") != nil)

                // The second one's server stays down past the last retry: failed for good.
                try await Self.due(node, announces[1], attempts: 12)
                try await waitUntil("the last retry of the second") { try await Self.row(node, announces[1])?.state == "failed" }
                #expect(try await Self.row(node, announces[1])?.attempts == 13)
            }
        }
    }
}
