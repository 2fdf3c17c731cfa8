import CivicNode
import CivicServer
import CivicStore
import CivicTesting
import Foundation
import Logging
import Testing

@Suite("The queue retention service", .liveNodes)
struct QueueRetentionServiceTests {
    @Test("The retention service deletes finished rows older than its days on its first pass and on each one after, and ends when cancelled")
    func passes() async throws {
        // A node without its workers: the inbox worker would take the pending row.
        var configuration = NodeConfiguration()
        configuration.dataDirectory = temporaryDirectory()
        var logger = Logger(label: "retention")
        logger.logLevel = .critical
        let node = try await NodeBootstrap.open(configuration, logger: logger).node
        try await node.database.insertInboxItem("nine-days-old", daysAgo: 9)
        let retried = try await node.database.insertInboxItem("eight-days-old", daysAgo: 8, processed: false)
        try await node.database.insertInboxItem("six-days-old", daysAgo: 6)
        let retention = QueueRetention(node: node, days: 7, firstPassAfter: .zero, interval: .milliseconds(50))
        let service = Task { try await retention.run() }
        do {
            try await waitUntil("the first pass deletes the nine-day-old item, not the pending one") {
                try await node.database.inboxCounts() == ["done": 1, "pending": 1]
            }
            try await node.database.finishInboxItems([(retried, "gave up")])
            try await waitUntil("a later pass deletes the eight-day-old item once it failed for good") {
                let left = try await node.database.writer.read { db in try String.fetchAll(db, sql: "SELECT activityId FROM inboxItem") }
                return left == ["https://a.example/activities/six-days-old"]
            }
        } catch {
            service.cancel()
            try await node.shutdown()
            throw error
        }
        service.cancel()
        try await service.value
        try await node.shutdown()
    }
}
