import CivicModel
import Foundation
import GRDB

extension AppDatabase {
    /// Pending deliveries due at `now`, oldest first, skipping ids already in flight.
    package func dueDeliveries(now: Date, limit: Int, excluding inFlight: Set<Int64>) async throws -> [DeliveryRecord] {
        try await writer.read { db in
            var request = DeliveryRecord
                .filter(Column("state") == "pending" && Column("nextAttemptAt") <= StoredDate(now))
                .order(Column("nextAttemptAt"), Column("id"))
            if !inFlight.isEmpty { request = request.filter(!inFlight.contains(Column("id"))) }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// The earliest `nextAttemptAt` of any pending delivery, to know how long a worker may sleep.
    package func nextDeliveryDate() async throws -> Date? {
        try await writer.read { db in
            try StoredDate.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM delivery WHERE state = 'pending'")?.date
        }
    }

    /// Records a successful delivery and the host's recovery, in one transaction.
    /// Deliveries parked because the host was unavailable are made due again.
    package func recordDeliverySuccess(id: Int64, host: String, status: Int, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE delivery SET state = 'delivered', attempts = attempts + 1, lastStatus = ?, lastError = NULL, updatedAt = ? WHERE id = ?",
                arguments: [status, StoredDate(now), id])
            let wasUnavailable = try Bool.fetchOne(
                db, sql: "SELECT unavailableSince IS NOT NULL FROM host WHERE host = ?", arguments: [host]) ?? false
            try db.execute(sql: """
                INSERT INTO host (host, failureDays, lastSuccessAt) VALUES (?, 0, ?)
                ON CONFLICT(host) DO UPDATE SET failureDays = 0, lastFailureDay = NULL, unavailableSince = NULL, lastSuccessAt = excluded.lastSuccessAt
                """, arguments: [host, StoredDate(now)])
            if wasUnavailable {
                try db.execute(
                    sql: "UPDATE delivery SET nextAttemptAt = ? WHERE host = ? AND state = 'pending'", arguments: [StoredDate(now), host])
            }
        }
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

    /// The host's health row, if any delivery was attempted.
    package func host(_ host: String) async throws -> HostRecord? {
        try await writer.read { db in try HostRecord.fetchOne(db, key: host) }
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
