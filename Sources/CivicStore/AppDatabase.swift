import CivicModel
import Foundation
import GRDB
import Logging

/// The node's one database: owns the connection pool, runs migrations, and exposes named writes,
/// each an invariant-preserving transaction.
package final class AppDatabase: Sendable {
    /// The GRDB writer (a `DatabasePool` on a file in WAL mode).
    package let writer: any DatabaseWriter
    /// Inbox rows arriving together are committed together.
    let inboxCommit: GroupCommit<InboxArrival, InboxReceipt>
    /// So are deliveries that succeed together (a fan-out's acknowledgements).
    let deliveryCommit: GroupCommit<DeliverySuccess, Void>

    /// Opens (creating if needed) the database file at `path` and migrates it. The write-ahead
    /// log is checkpointed in the background (`WALCheckpoints`); `logger` hears of failed
    /// checkpoints.
    package static func open(
        path: String, checkpoints limits: WALCheckpoints.Limits = .standard,
        logger: Logger = Logger(label: "civichub.store", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        let checkpoints = WALCheckpoints(path: path, limits: limits, logger: logger)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if !db.configuration.readonly { checkpoints.install(on: db) }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        return try AppDatabase(writer: pool)
    }

    /// Wraps a writer and migrates it.
    package init(writer: any DatabaseWriter) throws {
        self.writer = writer
        inboxCommit = GroupCommit(writer: writer) { db, arrivals in try Self.storeInbox(arrivals, db) }
        deliveryCommit = GroupCommit(writer: writer) { db, successes in try Self.storeDeliverySuccesses(successes, db) }
        try Migrations.migrator.migrate(writer)
    }
}

/// A SQLite conflict mapped to meaning.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package var code: String
    package var reason: String

    package init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    package var description: String { "\(code): \(reason)" }
}

extension DatabaseError {
    /// True for UNIQUE and PRIMARY KEY violations.
    package var isUniqueViolation: Bool {
        extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
    }
}
