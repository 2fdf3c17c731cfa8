import Foundation
import GRDB

/// What one pruning pass deleted.
package struct PrunedQueueRows: Sendable, Equatable {
    package var inboxItems = 0
    package var deliveries = 0

    package init(inboxItems: Int = 0, deliveries: Int = 0) {
        self.inboxItems = inboxItems
        self.deliveries = deliveries
    }
}

extension AppDatabase {
    /// Deletes the queue rows that are finished and older than `cutoff`: inbox items processed or
    /// failed for good that arrived before it, and deliveries delivered or given up that were
    /// queued and last attempted before it. Pending rows stay, however old.
    ///
    /// Rows are deleted in transactions of at most `batchSize`, so the inbox's group commit never
    /// waits long behind a pass. Ids grow with arrival, so a pass reads only the rows that arrived
    /// before the first one too young to go, each once: a pass costs what it deletes plus the old
    /// rows that have to stay (pending ones, recent failures), however large the queue.
    package func pruneFinishedQueueRows(before cutoff: Date, batchSize: Int = 1000) async throws -> PrunedQueueRows {
        PrunedQueueRows(
            inboxItems: try await deleteFinished(
                from: "inboxItem", arrivedAt: "receivedAt", where: "state != 'pending' AND receivedAt < :cutoff", before: cutoff,
                batchSize: batchSize),
            deliveries: try await deleteFinished(
                from: "delivery", arrivedAt: "createdAt", where: "state != 'pending' AND updatedAt < :cutoff", before: cutoff,
                batchSize: batchSize))
    }

    /// Deletes, in id order and batches, the rows of `table` that match `condition` (which may use
    /// `:cutoff`) and come before the first row whose `arrivedAt` is at or after the cutoff, or
    /// before the first row written after the pass began. Returns how many went.
    private func deleteFinished(
        from table: String, arrivedAt column: String, where condition: String, before cutoff: Date, batchSize: Int
    ) async throws -> Int {
        precondition(batchSize > 0, "a batch holds at least one row")
        let cutoffValue = StoredDate(cutoff)
        // Every row before this one arrived before the cutoff (a clock that went back only makes
        // later rows wait for a later pass). With none that young, the next id: rows that arrive
        // during the pass are not its business.
        let boundary = try await writer.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT COALESCE((SELECT id FROM \(table) WHERE \(column) >= ? ORDER BY id LIMIT 1), (SELECT MAX(id) + 1 FROM \(table)), 0)
                """, arguments: [cutoffValue])
        } ?? 0
        let matching = "id > :after AND id < :boundary AND \(condition)"
        var after: Int64 = 0
        var total = 0
        while true {
            let (count, last) = try await writer.write { [after] db -> (Int, Int64?) in
                var arguments: StatementArguments = ["after": after, "boundary": boundary, "cutoff": cutoffValue, "batch": batchSize]
                let ids = try Int64.fetchAll(db, sql: "SELECT id FROM \(table) WHERE \(matching) ORDER BY id LIMIT :batch", arguments: arguments)
                guard let last = ids.last else { return (0, nil) }
                arguments += ["last": last]
                try db.execute(sql: "DELETE FROM \(table) WHERE \(matching) AND id <= :last", arguments: arguments)
                return (ids.count, last)
            }
            total += count
            guard let last, count == batchSize else { return total }
            after = last
        }
    }
}
