import AsyncHTTPClient
import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import GRDB
import LoopbackPorts
import NIOCore
import Testing

/// `kill -9` of a real civichub process in the middle of work: nothing answered 202 is lost or
/// processed twice, and every queued delivery is made (at least once; receivers de-duplicate by id).
@Suite("Crash safety: kill -9 during inbox ingest and during fan-out", .serialized, .liveNodes)
struct CrashSafetyTests {
    /// Counts 202s and kills the node once enough have arrived.
    actor Accepted {
        var ids: [String] = []
        /// Set once the node is killed: nothing more is sent (a client would wait for a dead port).
        var killed = false
        func add(_ id: String) -> Int {
            ids.append(id)
            return ids.count
        }
        func kill(_ node: NodeProcess) async {
            killed = true
            await node.kill9()
        }
    }

    @Test("Every Create answered 202 before the kill is stored after restart, each processed in one committed attempt")
    func killDuringIngest() async throws {
        let dataA = temporaryDirectory()
        let portA = try freePort()
        try await NodeProcess.run(["init", "--data", dataA, "--public-url", "http://127.0.0.1:\(portA)"])
        var nodeA = try await NodeProcess.start(dataDirectory: dataA, port: portA)
        defer { nodeA.terminate() }
        let nodeB = try await TestNode.start()
        let beta = try await nodeB.organization("beta")

        let count = 400
        let posts = try await (0..<count).asyncMap { index in
            let noteID = "\(beta.id)/notes/crash-\(index)"
            let body = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(noteID)/activity"), "type": "Create", "actor": .string(beta.id),
                "to": [.string(AS.publicCollection)],
                "object": ["id": .string(noteID), "type": "Note", "attributedTo": .string(beta.id), "content": .string("<p>\(index)</p>"),
                           "to": [.string(AS.publicCollection)]],
            ])
            return (noteID, try await SignedPost.make(to: "http://127.0.0.1:\(portA)/inbox", body: body, as: beta.id, of: nodeB))
        }
        let accepted = Accepted()
        let killer = nodeA
        // A client of its own with short timeouts: requests cut off by the kill must not hold up
        // the shared client the rest of the test uses.
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: .seconds(1), read: .seconds(5)), connectionPool: .init(idleTimeout: .seconds(1))))
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    for index in stride(from: lane, to: count, by: 16) {
                        guard await !accepted.killed else { return }
                        var request = HTTPClientRequest(url: posts[index].1.url)
                        request.method = .POST
                        for (name, value) in posts[index].1.headers { request.headers.add(name: name, value: value) }
                        request.body = .bytes(ByteBuffer(bytes: posts[index].1.body))
                        guard let response = try? await client.execute(request, timeout: .seconds(5)) else { continue }
                        if response.status == .accepted, await accepted.add(posts[index].0) == count / 3 { await accepted.kill(killer) }
                    }
                }
            }
        }
        try await client.shutdown()
        let acknowledged = await accepted.ids
        #expect(acknowledged.count >= count / 3 && acknowledged.count < count, "the kill came in the middle")

        nodeA = try await NodeProcess.start(dataDirectory: dataA, port: portA)
        let database = try AppDatabase.open(path: (dataA as NSString).appendingPathComponent("civichub.sqlite"))
        try await waitUntil(timeout: .seconds(60), "the inbox to drain after restart") {
            try await database.inboxCounts()["pending", default: 0] == 0
        }
        let stored = try await database.writer.read { db in
            try Set(String.fetchAll(db, sql: "SELECT id FROM object WHERE attributedTo = ?", arguments: [beta.id]))
        }
        #expect(Set(acknowledged).isSubset(of: stored), "every acknowledged Create is stored")
        // Exactly once in effect: each stored item was processed in one committed attempt.
        let attempts = try await database.writer.read { db in
            try Int.fetchAll(db, sql: "SELECT attempts FROM inboxItem")
        }
        #expect(attempts.allSatisfy { $0 == 1 })
        #expect(try await database.inboxCounts()["failed", default: 0] == 0)
        await nodeB.stop()
    }

    @Test("News published just before a kill reaches every follower's server after restart")
    func killDuringFanOut() async throws {
        let dataA = temporaryDirectory()
        let portA = try freePort()
        let initOutput = try await NodeProcess.run(["init", "--data", dataA, "--public-url", "http://127.0.0.1:\(portA)"])
        let token = try #require(initOutput.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("chub_") }.map(String.init))
        try await NodeProcess.run(["org", "create", "alpha", "--data", dataA])
        var nodeA = try await NodeProcess.start(dataDirectory: dataA, port: portA)
        defer { nodeA.terminate() }
        var followers: [TestNode] = []
        for index in 0..<4 {
            let node = try await TestNode.start()
            try await node.organization("f\(index)")
            try await FollowUseCase(node: node.node).follow(from: "f\(index)", handle: "acct:alpha@127.0.0.1:\(portA)")
            followers.append(node)
        }
        let databaseA = try AppDatabase.open(path: (dataA as NSString).appendingPathComponent("civichub.sqlite"))
        try await waitUntil("all four follows to be accepted") {
            try await databaseA.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follow WHERE state = 'accepted'") } == 4
        }

        // Thirty news items for four servers through the API, and the node killed as soon as the last is taken.
        let news = 30
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<news {
                group.addTask {
                    try await HTTPTestClient.send(
                        .POST, "http://127.0.0.1:\(portA)/api/v1/organizations/alpha/news",
                        headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                        body: CanonicalJSON.encode(["content": .string("Crash test news \(index)")])
                    ).status
                }
            }
            for try await status in group { #expect(status == 201) }
        }
        await nodeA.kill9()
        let pendingAtKill = try await databaseA.deliveryCounts()["pending", default: 0]

        nodeA = try await NodeProcess.start(dataDirectory: dataA, port: portA)
        try await waitUntil(timeout: .seconds(60), "every delivery to be made after restart") {
            try await databaseA.deliveryCounts()["pending", default: 0] == 0
        }
        #expect(try await databaseA.deliveryCounts() == ["delivered": 4 * news + 4])  // the news, and the 4 follow Accepts
        for follower in followers {
            let notes = try await follower.database.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM object WHERE type = 'Note' AND attributedTo LIKE ?", arguments: ["%/actors/alpha"])
            }
            #expect(notes == news)
            await follower.stop()
        }
        #expect(pendingAtKill > 0, "the kill left deliveries to make")
    }
}

extension Sequence where Element: Sendable {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
