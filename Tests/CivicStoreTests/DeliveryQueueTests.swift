import CivicModel
import CivicStore
import Foundation
import GRDB
import Testing

@Suite("Delivery queue and host health in SQLite")
struct DeliveryQueueTests {
    static func database() throws -> AppDatabase {
        let directory = NSTemporaryDirectory() + "civichub-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try AppDatabase.open(path: directory + "/civichub.sqlite")
    }

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// The host's health row, if a delivery to it was recorded.
    static func host(_ database: AppDatabase, _ host: String) async throws -> HostRecord? {
        try await database.writer.read { db in try HostRecord.fetchOne(db, key: host) }
    }

    static func enqueue(_ database: AppDatabase, inbox: String = "https://b.example/inbox", activity: String = "https://a.example/activities/1") async throws -> Int64 {
        let delivery = DeliveryRecord(activityId: activity, inbox: inbox, host: "b.example", signerId: "https://a.example/actors/x", body: Data("{}".utf8), at: start)
        try await database.insert(activities: [], deliveries: [delivery])
        return try #require(try await database.deliveries(activityID: activity).first?.id)
    }

    @Test("A delivery is queued once per activity and inbox (shared-inbox de-duplication)")
    func deduplicates() async throws {
        let database = try Self.database()
        _ = try await Self.enqueue(database)
        _ = try await Self.enqueue(database)
        #expect(try await database.deliveries(activityID: "https://a.example/activities/1").count == 1)
        #expect(try await database.dueDeliveries(now: Self.start, limit: 10, excluding: []).count == 1)
    }

    @Test("Failures on three distinct days mark the host unavailable; one success recovers it and makes parked deliveries due")
    func hostAvailability() async throws {
        let database = try Self.database()
        let id = try await Self.enqueue(database)
        let other = try await Self.enqueue(database, activity: "https://a.example/activities/2")
        for day in 0..<3 {
            for hour in [1.0, 5.0] {
                let now = Self.start.addingTimeInterval(Double(day) * 86_400 + hour * 3600)
                try await database.recordDeliveryFailure(
                    id: id, host: "b.example", status: 503, error: "unavailable", nextAttemptAt: now.addingTimeInterval(60), now: now,
                    unavailableAfterDays: 3, countAttempt: true)
                let unavailable = try await Self.host(database, "b.example")?.unavailableSince != nil
                #expect(unavailable == (day == 2), "day \(day)")
            }
        }
        #expect(try await Self.host(database, "b.example")?.failureDays == 3)
        #expect(try await database.unavailableHosts().map(\.host) == ["b.example"])

        let later = Self.start.addingTimeInterval(10 * 86_400)
        try await database.recordDeliveryFailure(
            id: other, host: "b.example", status: nil, error: "host unavailable", nextAttemptAt: later, now: Self.start,
            unavailableAfterDays: 3, countAttempt: false)
        #expect(try await database.deliveries(activityID: "https://a.example/activities/2").first?.attempts == 0)

        let recovery = Self.start.addingTimeInterval(4 * 86_400)
        try await database.recordDeliverySuccess(id: id, host: "b.example", status: 202, now: recovery)
        #expect(try await database.unavailableHosts().isEmpty)
        #expect(try await Self.host(database, "b.example")?.failureDays == 0)
        let parked = try #require(try await database.deliveries(activityID: "https://a.example/activities/2").first)
        #expect(parked.nextAttemptAt == recovery)
        #expect(try await database.deliveryCounts() == ["delivered": 1, "pending": 1])
    }

    @Test("Due deliveries: oldest first, those in flight skipped and others up to the limit, each with its host's availability")
    func dueDeliveries() async throws {
        let database = try Self.database()
        let deliveries = (1...5).map { index in
            DeliveryRecord(
                activityId: "https://a.example/activities/1", inbox: "https://h\(index).example/inbox", host: "h\(index).example",
                signerId: "https://a.example/actors/x", body: Data("{}".utf8), at: Self.start.addingTimeInterval(Double(index)))
        }
        try await database.insert(activities: [], deliveries: deliveries)
        let ids = try await database.deliveries(activityID: "https://a.example/activities/1").compactMap(\.id)
        try #require(ids.count == 5)
        let failedAt = Self.start.addingTimeInterval(3)
        try await database.recordDeliveryFailure(
            id: ids[2], host: "h3.example", status: 503, error: "unavailable", nextAttemptAt: Self.start.addingTimeInterval(4), now: failedAt,
            unavailableAfterDays: 1, countAttempt: true)
        let now = Self.start.addingTimeInterval(60)

        let due = try await database.dueDeliveries(now: now, limit: 2, excluding: [ids[0], ids[1]])
        #expect(due.map(\.record.id) == [ids[2], ids[3]])
        #expect(due.first?.hostUnavailableSince == failedAt)
        #expect(due.first?.hostLastFailureAt == failedAt)
        #expect(due.last?.hostUnavailableSince == nil)
        #expect(due.last?.hostLastFailureAt == nil)

        #expect(try await database.dueDeliveries(now: now, limit: 10, excluding: [ids[1]]).map(\.record.id) == [ids[0], ids[2], ids[3], ids[4]])
        #expect(try await database.dueDeliveries(now: Self.start.addingTimeInterval(2), limit: 10, excluding: []).map(\.record.id) == [ids[0], ids[1]])
    }

    @Test("Deliveries that succeed together are all recorded, and each host with them")
    func concurrentSuccesses() async throws {
        let database = try Self.database()
        let deliveries = (0..<40).map { index in
            DeliveryRecord(
                activityId: "https://a.example/activities/1", inbox: "https://h\(index % 10).example/inbox/\(index)", host: "h\(index % 10).example",
                signerId: "https://a.example/actors/x", body: Data("{}".utf8), at: Self.start)
        }
        try await database.insert(activities: [], deliveries: deliveries)
        let stored = try await database.deliveries(activityID: "https://a.example/activities/1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for delivery in stored {
                group.addTask {
                    try await database.recordDeliverySuccess(id: try #require(delivery.id), host: delivery.host, status: 202, now: Self.start)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await database.deliveryCounts() == ["delivered": 40])
        for index in 0..<10 {
            #expect(try await Self.host(database, "h\(index).example")?.lastSuccessAt == Self.start)
        }
    }

    @Test("A permanent failure (no next attempt) ends the delivery as failed")
    func permanentFailure() async throws {
        let database = try Self.database()
        let id = try await Self.enqueue(database)
        try await database.recordDeliveryFailure(
            id: id, host: "b.example", status: 410, error: "gone", nextAttemptAt: nil, now: Self.start, unavailableAfterDays: 3,
            countAttempt: true)
        let record = try #require(try await database.deliveries(activityID: "https://a.example/activities/1").first)
        #expect(record.state == "failed")
        #expect(record.lastStatus == 410)
        #expect(try await database.dueDeliveries(now: Self.start.addingTimeInterval(1e6), limit: 10, excluding: []).isEmpty)
    }

    @Test("Inbox items are stored once per activity id")
    func inboxIdempotence() async throws {
        let database = try Self.database()
        let item = InboxItemRecord(activityId: "https://a.example/1", actorId: "https://a.example/u", type: "Follow", document: Data("{}".utf8), receivedAt: Self.start)
        let row = try #require(try await database.enqueueInbox(item))
        #expect(try await database.enqueueInbox(item) == nil)
        let pending = try await database.pendingInboxItems(limit: 10)
        #expect(pending.count == 1)
        let stored = try #require(pending.first)
        #expect(stored.id == row && stored.activityId == item.activityId && stored.actorId == item.actorId && stored.type == item.type)
        #expect(stored.document == item.document && stored.receivedAt == item.receivedAt && stored.state == "pending" && stored.attempts == 0)

        // Done items leave the pending list; pending ones come oldest first, at most `limit`.
        try await database.finishInboxItems([(id: try #require(stored.id), failure: nil)])
        for index in 2...4 {
            var next = item
            next.activityId = "https://a.example/\(index)"
            _ = try await database.enqueueInbox(next)
        }
        #expect(try await database.pendingInboxItems(limit: 2).map(\.activityId) == ["https://a.example/2", "https://a.example/3"])
    }

    @Test("Schema constraints refuse a follow for an unknown actor and an invalid state")
    func constraints() async throws {
        let database = try Self.database()
        await #expect(throws: DatabaseError.self) {
            try await database.saveFollow(FollowRecord(followerId: "https://x/1", followeeId: "https://x/2", activityId: "https://x/a", state: "pending", createdAt: Self.start))
        }
        await #expect(throws: DatabaseError.self) {
            try await database.writer.write { db in
                try db.execute(sql: "INSERT INTO inboxItem (activityId, actorId, type, document, receivedAt, state) VALUES ('a','b','c',x'00',0,'weird')")
            }
        }
    }
}
