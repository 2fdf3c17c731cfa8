import CivicModel
import Foundation
import GRDB

extension AppDatabase {
    /// Persists a verified inbox activity and returns its row id, or nil when an activity with
    /// this id was already received: redelivery is a no-op. In the same transaction, a sender's host that
    /// was marked unavailable is marked available again (it is evidently up), and its parked
    /// deliveries become due.
    /// Concurrent calls share one transaction (group commit); each returns after its commit.
    package func enqueueInbox(_ item: InboxItemRecord, senderHost: String? = nil) async throws -> Int64? {
        try await inboxCommit.submit((item, senderHost))
    }

    /// The oldest pending inbox items that are due at `now` (items waiting for a retry are not).
    package func pendingInboxItems(limit: Int, now: Date = Date()) async throws -> [InboxItemRecord] {
        try await writer.read { db in
            // The worker asks once per batch under load: a cached statement and columns read by
            // position, where the query interface and Codable decoding showed in the ingest profile.
            let statement = try db.cachedStatement(sql: """
                SELECT id, activityId, actorId, type, document, receivedAt, attempts, lastError
                FROM inboxItem WHERE state = 'pending' AND (nextAttemptAt IS NULL OR nextAttemptAt <= ?) ORDER BY id LIMIT ?
                """)
            return try Array(Row.fetchCursor(statement, arguments: [StoredDate(now), limit]).map { row in
                var item = InboxItemRecord(
                    activityId: try row.decode(atIndex: 1), actorId: try row.decode(atIndex: 2), type: try row.decode(atIndex: 3),
                    document: try row.decode(atIndex: 4), receivedAt: try row.decode(StoredDate.self, atIndex: 5).date)
                item.id = try row.decode(atIndex: 0)
                item.attempts = try row.decode(atIndex: 6)
                item.lastError = try row.decode(atIndex: 7)
                return item
            })
        }
    }

    /// Marks inbox items processed (or failed for good, with the reason), leaves those `retrying`
    /// pending until their time, and stores the objects they received (each unless one with its
    /// id exists), in one transaction.
    package func finishInboxItems(
        _ outcomes: [(id: Int64, failure: String?)], retrying: [(id: Int64, error: String, at: Date)] = [], storing objects: [ObjectRecord] = []
    ) async throws {
        try await writer.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO object (id, type, attributedTo, isLocal, isPublic, document, published, updated, proofVerificationMethod)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for object in objects {
                try insert.execute(arguments: [
                    object.id, object.type, object.attributedTo, object.isLocal, object.isPublic, object.document,
                    StoredDate(object.published), object.updated.map(StoredDate.init), object.proofVerificationMethod,
                ])
            }
            let finish = try db.cachedStatement(sql: "UPDATE inboxItem SET state = ?, attempts = attempts + 1, lastError = ? WHERE id = ?")
            for outcome in outcomes {
                try finish.execute(arguments: [outcome.failure == nil ? "done" : "failed", outcome.failure, outcome.id])
            }
            for retry in retrying {
                try db.execute(
                    sql: "UPDATE inboxItem SET attempts = attempts + 1, lastError = ?, nextAttemptAt = ? WHERE id = ?",
                    arguments: [retry.error, StoredDate(retry.at), retry.id])
            }
        }
    }

    /// Inbox items by state, for `queue status` and drain checks.
    package func inboxCounts() async throws -> [String: Int] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM inboxItem GROUP BY state")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["state"] as String, $0["n"] as Int) })
        }
    }
}
