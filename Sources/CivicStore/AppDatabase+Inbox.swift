import CivicModel
import Foundation
import GRDB

/// What receiving an activity changes, when that is known as it arrives: then it is processed in
/// the transaction that stores it, with no pass of the inbox worker.
package enum ReceiptEffect: Sendable {
    /// Processing is left to the inbox worker (it may fetch, answer, or depend on earlier rows).
    case later
    /// The received object, stored unless one with its id exists. Left to the worker when its
    /// author is not known here by the time of the commit (deleted or blocked meanwhile).
    case store(ObjectRecord)
}

/// What became of a received activity.
package enum InboxReceipt: Sendable, Equatable {
    /// Stored pending, as this row, for the inbox worker.
    case queued(Int64)
    /// Stored and processed in the same transaction.
    case processed
    /// An activity with this id was received before; nothing changed.
    case duplicate
}

/// One activity in a group commit of the inbox.
package struct InboxArrival: Sendable {
    package var item: InboxItemRecord
    package var senderHost: String?
    package var effect: ReceiptEffect

    package init(item: InboxItemRecord, senderHost: String? = nil, effect: ReceiptEffect = .later) {
        self.item = item
        self.senderHost = senderHost
        self.effect = effect
    }
}

extension AppDatabase {
    /// Persists a verified inbox activity and, where `effect` is known, processes it in the same
    /// transaction: but only while no earlier activity waits for the inbox worker, so that
    /// activities still take effect in the order they arrived. Redelivery is a no-op. In the same
    /// transaction, a sender's host that was marked unavailable is marked available again (it is
    /// evidently up), and its parked deliveries become due.
    /// Concurrent calls share one transaction (group commit); each returns after its commit.
    package func receiveInbox(_ item: InboxItemRecord, senderHost: String? = nil, effect: ReceiptEffect = .later) async throws -> InboxReceipt {
        try await inboxCommit.submit(InboxArrival(item: item, senderHost: senderHost, effect: effect))
    }

    /// Persists a verified inbox activity for the inbox worker and returns its row id, or nil when
    /// an activity with this id was already received.
    package func enqueueInbox(_ item: InboxItemRecord, senderHost: String? = nil) async throws -> Int64? {
        guard case .queued(let row) = try await receiveInbox(item, senderHost: senderHost) else { return nil }
        return row
    }

    /// The group commit's write: the arrivals of one transaction, in order.
    package static func storeInbox(_ arrivals: [InboxArrival], _ db: Database) throws -> [InboxReceipt] {
        // One prepared statement for every row, and each sending host checked once per commit.
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO inboxItem (activityId, actorId, type, document, receivedAt, state, attempts)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        // Retries waiting for their time are out of order already, and do not hold others back.
        var waiting = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM inboxItem WHERE state = 'pending' AND nextAttemptAt IS NULL)
            """)) ?? true
        var hosts: [String: Date] = [:]
        var receipts: [InboxReceipt] = []
        receipts.reserveCapacity(arrivals.count)
        for arrival in arrivals {
            let item = arrival.item
            // An author not known here any more (it deleted itself, or was blocked, after its
            // signature verified from the key cache) is left to the worker, which decides.
            var processNow = false
            if case .store(let object) = arrival.effect, !waiting {
                processNow = try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM actor WHERE id = ?)"), arguments: [object.attributedTo]) ?? false
            }
            try insert.execute(arguments: [
                item.activityId, item.actorId, item.type, item.document, StoredDate(item.receivedAt), processNow ? "done" : "pending", processNow ? 1 : 0,
            ])
            if let senderHost = arrival.senderHost { hosts[senderHost] = item.receivedAt }
            guard db.changesCount > 0 else {
                receipts.append(.duplicate)
                continue
            }
            guard processNow else {
                receipts.append(.queued(db.lastInsertedRowID))
                waiting = true
                continue
            }
            if case .store(let object) = arrival.effect { try storeReceivedObject(object, db) }
            receipts.append(.processed)
        }
        for (host, now) in hosts { try Self.markHostAvailable(host, now: now, db) }
        return receipts
    }

    /// Stores a received object unless one with its id exists.
    private static func storeReceivedObject(_ object: ObjectRecord, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO object (id, type, attributedTo, isLocal, isPublic, document, published, updated, proofVerificationMethod)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            object.id, object.type, object.attributedTo, object.isLocal, object.isPublic, object.document,
            StoredDate(object.published), object.updated.map(StoredDate.init), object.proofVerificationMethod,
        ])
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
            for object in objects { try Self.storeReceivedObject(object, db) }
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
