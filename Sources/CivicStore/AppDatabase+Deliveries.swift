import CivicModel
import Foundation
import GRDB

/// A delivery due now, with its host's availability when it was read.
package struct DueDelivery: Sendable {
    package var record: DeliveryRecord
    /// When the host was marked unavailable; nil while it is available.
    package var hostUnavailableSince: Date?
    /// When a delivery to the host last failed.
    package var hostLastFailureAt: Date?
}

/// One successful delivery in a group commit.
struct DeliverySuccess: Sendable {
    var id: Int64
    var host: String
    var status: Int
    var now: Date
}

extension AppDatabase {
    /// Pending deliveries due at `now`, oldest first, skipping ids already in flight, each with
    /// its host's availability as of the same read.
    package func dueDeliveries(now: Date, limit: Int, excluding inFlight: Set<Int64>) async throws -> [DueDelivery] {
        try await writer.read { db in
            // The worker asks after every delivery it finishes: one cached statement, whatever
            // is in flight. Rows in flight are still pending and due, so asking for that many
            // more and skipping them leaves `limit` others where there are as many.
            let statement = try db.cachedStatement(sql: """
                SELECT delivery.*, host.unavailableSince AS hostUnavailableSince, host.lastFailureAt AS hostLastFailureAt
                FROM delivery LEFT JOIN host ON host.host = delivery.host
                WHERE delivery.state = 'pending' AND delivery.nextAttemptAt <= ?
                ORDER BY delivery.nextAttemptAt, delivery.id LIMIT ?
                """)
            var due: [DueDelivery] = []
            let rows = try Row.fetchCursor(statement, arguments: [StoredDate(now), limit + inFlight.count])
            while let row = try rows.next(), due.count < limit {
                guard let id: Int64 = row["id"], !inFlight.contains(id) else { continue }
                due.append(DueDelivery(
                    record: try DeliveryRecord(row: row),
                    hostUnavailableSince: try row.decode(StoredDate?.self, forColumn: "hostUnavailableSince")?.date,
                    hostLastFailureAt: try row.decode(StoredDate?.self, forColumn: "hostLastFailureAt")?.date))
            }
            return due
        }
    }

    /// The earliest `nextAttemptAt` of any pending delivery, to know how long a worker may sleep.
    package func nextDeliveryDate() async throws -> Date? {
        try await writer.read { db in
            try StoredDate.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM delivery WHERE state = 'pending'")?.date
        }
    }

    /// Records a successful delivery and the host's recovery. Deliveries parked because the host
    /// was unavailable are made due again. Concurrent calls share one transaction (group
    /// commit); each returns after its commit.
    package func recordDeliverySuccess(id: Int64, host: String, status: Int, now: Date) async throws {
        try await deliveryCommit.submit(DeliverySuccess(id: id, host: host, status: status, now: now))
    }

    /// The group commit's write: the successes of one transaction.
    static func storeDeliverySuccesses(_ successes: [DeliverySuccess], _ db: Database) throws -> [Void] {
        let delivered = try db.cachedStatement(sql: """
            UPDATE delivery SET state = 'delivered', attempts = attempts + 1, lastStatus = ?, lastError = NULL, updatedAt = ? WHERE id = ?
            """)
        let wasUnavailable = try db.cachedStatement(sql: "SELECT unavailableSince IS NOT NULL FROM host WHERE host = ?")
        let recovered = try db.cachedStatement(sql: """
            INSERT INTO host (host, failureDays, lastSuccessAt) VALUES (?, 0, ?)
            ON CONFLICT(host) DO UPDATE SET failureDays = 0, lastFailureDay = NULL, unavailableSince = NULL, lastSuccessAt = excluded.lastSuccessAt
            """)
        for success in successes {
            try delivered.execute(arguments: [success.status, StoredDate(success.now), success.id])
            let parked = try Bool.fetchOne(wasUnavailable, arguments: [success.host]) ?? false
            try recovered.execute(arguments: [success.host, StoredDate(success.now)])
            if parked {
                try db.execute(
                    sql: "UPDATE delivery SET nextAttemptAt = ? WHERE host = ? AND state = 'pending'",
                    arguments: [StoredDate(success.now), success.host])
            }
        }
        return successes.map { _ in () }
    }

    /// Records a failed attempt: either schedules the next one or, when `nextAttemptAt` is nil,
    /// gives up for good. With `countAttempt` false the delivery is only rescheduled (parked behind
    /// an unavailable host) and the host's record is left alone. Counts the failure day for the host and marks the host unavailable
    /// once it has failed on `unavailableAfterDays` distinct days.
    package func recordDeliveryFailure(
        id: Int64, host: String, status: Int?, error: String, nextAttemptAt: Date?, now: Date,
        unavailableAfterDays: Int, countAttempt: Bool
    ) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = ?, attempts = attempts + ?, nextAttemptAt = COALESCE(?, nextAttemptAt),
                    lastStatus = ?, lastError = ?, updatedAt = ? WHERE id = ?
                    """,
                arguments: [
                    nextAttemptAt == nil ? "failed" : "pending", countAttempt ? 1 : 0, nextAttemptAt.map(StoredDate.init), status,
                    String(error.prefix(500)), StoredDate(now), id,
                ])
            guard countAttempt else { return }
            let day = StoredDate.day(now)
            var record = try HostRecord.fetchOne(db, key: host) ?? HostRecord(host: host)
            record.lastFailureAt = now
            if record.lastFailureDay != day {
                record.failureDays += 1
                record.lastFailureDay = day
            }
            if record.failureDays >= unavailableAfterDays, record.unavailableSince == nil {
                record.unavailableSince = now
            }
            try record.save(db)
        }
    }

    /// Marks a host reachable again (an inbound request from it proves it is up) and makes its
    /// parked deliveries due.
    static func markHostAvailable(_ host: String, now: Date, _ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE host SET unavailableSince = NULL, failureDays = 0, lastFailureDay = NULL
            WHERE host = ? AND unavailableSince IS NOT NULL
            """).execute(arguments: [host])
        if db.changesCount > 0 {
            try db.execute(sql: "UPDATE delivery SET nextAttemptAt = ? WHERE host = ? AND state = 'pending'", arguments: [StoredDate(now), host])
        }
    }

    /// Deliveries by state, for `queue status` and drain checks.
    package func deliveryCounts() async throws -> [String: Int] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["state"] as String, $0["n"] as Int) })
        }
    }

    /// The delivery rows of one activity (tests and the admin view).
    package func deliveries(activityID: String) async throws -> [DeliveryRecord] {
        try await writer.read { db in
            try DeliveryRecord.filter(Column("activityId") == activityID).order(Column("id")).fetchAll(db)
        }
    }

    /// Hosts currently marked unavailable.
    package func unavailableHosts() async throws -> [HostRecord] {
        try await writer.read { db in
            try HostRecord.filter(Column("unavailableSince") != nil).order(Column("host")).fetchAll(db)
        }
    }
}
