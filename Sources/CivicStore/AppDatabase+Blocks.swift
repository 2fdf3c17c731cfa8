import Foundation
import GRDB

/// A domain or actor the operator does not federate with.
package struct BlockRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "block"

    package enum Kind: String, Codable, Sendable {
        case domain, actor
    }

    /// `host` or `host:port` for a domain, the IRI for an actor.
    package var value: String
    package var kind: Kind
    package var reason: String?
    package var createdAt: Date

    package init(value: String, kind: Kind, reason: String?, createdAt: Date) {
        self.value = value
        self.kind = kind
        self.reason = reason
        self.createdAt = createdAt
    }
}

extension AppDatabase {
    /// Every block, oldest first.
    package func blocks() async throws -> [BlockRecord] {
        try await writer.read { db in try BlockRecord.order(Column("createdAt"), Column("value")).fetchAll(db) }
    }

    /// Adds (or replaces) a block and, in the same transaction, forgets what came from its
    /// scope: remote actors it `covers` (their follows and participations go with them) and
    /// objects by them or on their hosts; pending deliveries to their inboxes fail as `blocked`.
    ///
    /// - Returns: how many actors and objects were removed and deliveries failed.
    package func block(
        _ record: BlockRecord, at date: Date, covers: @escaping @Sendable (String) -> Bool
    ) async throws -> (actors: Int, objects: Int, deliveries: Int) {
        try await writer.write { db in
            try record.save(db)
            let actors = try String.fetchAll(db, sql: "SELECT id FROM actor WHERE NOT isLocal").filter(covers)
            for id in actors { try db.execute(sql: "DELETE FROM actor WHERE id = ?", arguments: [id]) }
            var removedObjects = 0
            for row in try Row.fetchAll(db, sql: "SELECT id, attributedTo FROM object WHERE NOT isLocal") {
                let id: String = row["id"], author: String = row["attributedTo"]
                guard covers(id) || covers(author) else { continue }
                try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [id])
                removedObjects += 1
            }
            var removedDeliveries = 0
            for row in try Row.fetchAll(db, sql: "SELECT id, inbox FROM delivery WHERE state = 'pending'") {
                let inbox: String = row["inbox"]
                guard covers(inbox) else { continue }
                try db.execute(sql: "UPDATE delivery SET state = 'failed', lastError = 'blocked', updatedAt = ? WHERE id = ?",
                    arguments: [StoredDate(date), row["id"] as Int64])
                removedDeliveries += 1
            }
            return (actors.count, removedObjects, removedDeliveries)
        }
    }

    /// Removes a block of that kind; returns false when there was none.
    package func unblock(_ value: String, kind: BlockRecord.Kind) async throws -> Bool {
        try await writer.write { db in
            try BlockRecord.filter(Column("value") == value && Column("kind") == kind.rawValue).deleteAll(db) > 0
        }
    }
}
