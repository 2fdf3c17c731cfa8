import CivicModel
import CivicStore
import Foundation
import Testing

@Suite("Queue retention: finished inbox items and deliveries are deleted once old, pending ones never")
struct QueueRetentionTests {
    static let day: TimeInterval = 86_400
    static let cutoff = Date(timeIntervalSince1970: 1_800_000_000)

    /// Stores an inbox item received at `cutoff + days` and leaves it in `state`; returns its id.
    static func inboxItem(_ database: AppDatabase, _ name: String, days: Double, state: String) async throws -> Int64 {
        let item = InboxItemRecord(
            activityId: "https://a.example/activities/\(name)", actorId: "https://a.example/actors/x", type: "Create",
            document: Data("{}".utf8), receivedAt: cutoff.addingTimeInterval(days * day))
        let id = try #require(try await database.enqueueInbox(item))
        switch state {
        case "done": try await database.finishInboxItems([(id, nil)])
        case "failed": try await database.finishInboxItems([(id, "refused")])
        default: break
        }
        return id
    }

    /// The names (last path segment of the activity id) of the rows left in `table`.
    static func remaining(_ database: AppDatabase, in table: String) async throws -> Set<String> {
        let ids = try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT activityId FROM \(table)") }
        return Set(ids.compactMap { $0.split(separator: "/").last.map(String.init) })
    }

    /// Queues a delivery at `cutoff + queued` days and, unless `finished` is nil, ends it (delivered
    /// or given up) at `cutoff + finished` days.
    static func delivery(_ database: AppDatabase, _ name: String, queued: Double, finished: Double?, delivered: Bool = true) async throws {
        let activity = "https://a.example/activities/\(name)"
        try await database.insert(activities: [], deliveries: [DeliveryRecord(
            activityId: activity, inbox: "https://b.example/inbox", host: "b.example", signerId: "https://a.example/actors/x",
            body: Data("{}".utf8), at: cutoff.addingTimeInterval(queued * day))])
        guard let finished else { return }
        let id = try #require(try await database.deliveries(activityID: activity).first?.id)
        let now = cutoff.addingTimeInterval(finished * day)
        if delivered {
            try await database.recordDeliverySuccess(id: id, host: "b.example", status: 202, now: now)
        } else {
            try await database.recordDeliveryFailure(
                id: id, host: "b.example", status: 410, error: "gone", nextAttemptAt: nil, now: now, unavailableAfterDays: 3, countAttempt: true)
        }
    }

    @Test("Old processed and failed inbox items go; pending and recent ones, and anything after the first recent one, stay")
    func inbox() async throws {
        let database = try DeliveryQueueTests.database()
        _ = try await Self.inboxItem(database, "old-done", days: -10, state: "done")
        _ = try await Self.inboxItem(database, "old-failed", days: -9, state: "failed")
        _ = try await Self.inboxItem(database, "old-pending", days: -8, state: "pending")
        _ = try await Self.inboxItem(database, "just-old-done", days: -0.001, state: "done")
        _ = try await Self.inboxItem(database, "recent-done", days: 0, state: "done")
        // Received after a recent one but dated earlier (the clock went back): kept until a later pass.
        _ = try await Self.inboxItem(database, "late-old-done", days: -20, state: "done")
        _ = try await Self.inboxItem(database, "recent-pending", days: 1, state: "pending")

        let pruned = try await database.pruneFinishedQueueRows(before: Self.cutoff)
        #expect(pruned == PrunedQueueRows(inboxItems: 3, deliveries: 0))
        #expect(try await Self.remaining(database, in: "inboxItem") == ["old-pending", "recent-done", "late-old-done", "recent-pending"])
        #expect(try await database.inboxCounts() == ["pending": 2, "done": 2])
        #expect(try await database.pruneFinishedQueueRows(before: Self.cutoff) == PrunedQueueRows())
    }

    @Test("Old delivered and given-up deliveries go; pending ones, recent ones and ones that ended recently stay")
    func deliveries() async throws {
        let database = try DeliveryQueueTests.database()
        try await Self.delivery(database, "old-delivered", queued: -10, finished: -10)
        try await Self.delivery(database, "old-given-up", queued: -9, finished: -2, delivered: false)
        try await Self.delivery(database, "old-pending", queued: -8, finished: nil)
        try await Self.delivery(database, "old-given-up-recently", queued: -7, finished: 0.5, delivered: false)
        try await Self.delivery(database, "recent-delivered", queued: 0, finished: 0)
        // Queued after a recent one but dated earlier (the clock went back): kept until a later pass.
        try await Self.delivery(database, "late-old-delivered", queued: -20, finished: -20)

        let pruned = try await database.pruneFinishedQueueRows(before: Self.cutoff)
        #expect(pruned == PrunedQueueRows(inboxItems: 0, deliveries: 2))
        #expect(try await Self.remaining(database, in: "delivery") == ["old-pending", "old-given-up-recently", "recent-delivered", "late-old-delivered"])
    }

    @Test("A pass deletes in batches, past the pending rows between them, until nothing old is left")
    func batches() async throws {
        let database = try DeliveryQueueTests.database()
        for index in 0..<8 {
            _ = try await Self.inboxItem(database, "old-\(index)", days: -3, state: index % 3 == 1 ? "pending" : "done")
        }
        for index in 0..<5 { try await Self.delivery(database, "old-\(index)", queued: -3, finished: index == 2 ? nil : -3) }
        let pruned = try await database.pruneFinishedQueueRows(before: Self.cutoff, batchSize: 2)
        #expect(pruned == PrunedQueueRows(inboxItems: 5, deliveries: 4))
        #expect(try await Self.remaining(database, in: "inboxItem") == ["old-1", "old-4", "old-7"])
        #expect(try await Self.remaining(database, in: "delivery") == ["old-2"])
    }
}
