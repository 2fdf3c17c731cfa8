import CivicServer
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Queue retention on a running node", .liveNodes)
struct QueueRetentionServiceTests {
    @Test("A node with queue_retention_days = 0 keeps finished rows; with 7 it deletes those older than 7 days at start")
    func prunesAtStart() async throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try AppDatabase.open(path: directory + "/civichub.sqlite")
        try await database.insertProcessedInboxItem("eight-days-old", daysAgo: 8)
        try await database.insertProcessedInboxItem("six-days-old", daysAgo: 6)

        let keeping = try await TestNode.start(dataDirectory: directory) { $0.queueRetentionDays = 0 }
        let status = try await HTTPTestClient.send(
            .GET, "\(keeping.base)/api/v1/queue", headers: [("Authorization", "Bearer \(keeping.adminToken)")])
        await keeping.stop()
        #expect(try JSONParser().parse(status.body)["inbox"]?["done"]?.numberValue == 2, "\(status.text)")
        #expect(try await database.inboxCounts() == ["done": 2])

        let pruning = try await TestNode.start(dataDirectory: directory)
        do {
            try await waitUntil("the eight-day-old item is deleted") { try await database.inboxCounts() == ["done": 1] }
        } catch {
            await pruning.stop()
            throw error
        }
        await pruning.stop()
        let left = try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT activityId FROM inboxItem") }
        #expect(left == ["https://a.example/activities/six-days-old"])
    }
}
