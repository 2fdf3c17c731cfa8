import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Keeps SQLite's WAL checkpoints off the writer's commits.
///
/// By default SQLite checkpoints in whichever commit takes the write-ahead log past 1,000 pages:
/// that commit then copies the log into the database file and waits for two fsyncs, and every
/// write queued behind it (a whole group commit of inbox POSTs, each holding its sender's answer)
/// waits with it. Here the writer's connection only reports its commits (`sqlite3_wal_hook`,
/// which replaces SQLite's own automatic checkpoint); past `backgroundAt` pages a connection of
/// its own checkpoints on a dispatch queue. Its checkpoints are PASSIVE: they wait for no reader
/// and no writer.
///
/// A checkpoint running beside the writer copies only what was committed when it started, and
/// SQLite starts the log over only when a write begins with everything copied: under writes
/// that never pause, the log would grow without end. So once it holds `writerAt` pages the
/// writer checkpoints itself after its commit, as SQLite would have (copying only what the
/// background left), and the next write starts the log over.
package final class WALCheckpoints: Sendable {
    /// When the log is checkpointed, in pages of the database.
    package struct Limits: Sendable {
        /// Pages in the log at which a background checkpoint starts.
        package var backgroundAt: Int32
        /// Pages in the log at which the writer checkpoints itself.
        package var writerAt: Int32

        package init(backgroundAt: Int32, writerAt: Int32) {
            self.backgroundAt = backgroundAt
            self.writerAt = writerAt
        }

        /// SQLite's own threshold in the background; 40 MB of log (at 4 KiB pages) before the
        /// writer takes over.
        package static let standard = Limits(backgroundAt: 1_000, writerAt: 10_000)
    }

    private let path: String
    private let limits: Limits
    private let logger: Logger
    private let queue = DispatchQueue(label: "civichub.store.checkpoint")
    /// The background connection, opened by the first checkpoint; used on `queue` only.
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let checkpointing = Atomic(false)

    init(path: String, limits: Limits, logger: Logger) {
        self.path = path
        self.limits = limits
        self.logger = logger
    }

    /// Reports `db`'s commits to this object. `db` must be the one connection that writes, and
    /// this object must outlive it: `AppDatabase.open` calls this from the pool's
    /// `prepareDatabase`, whose closure (holding this object) lives in the connection's
    /// configuration until the connection is closed.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpoints>.fromOpaque(context).takeUnretainedValue()
                .committed(logPages: pages, connection: connection, name: name)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Called by SQLite on the writer's thread after each commit.
    private func committed(logPages: Int32, connection: OpaquePointer?, name: UnsafePointer<CChar>?) {
        if logPages >= limits.writerAt {
            // SQLITE_BUSY while the background checkpoint runs: the next commit tries again.
            let code = sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            if code != SQLITE_OK, code != SQLITE_BUSY {
                logger.warning("store.checkpoint.failed", metadata: ["checkpoint.by": "writer", "sqlite.code": "\(code)", "wal.pages": "\(logPages)"])
            }
        } else if logPages >= limits.backgroundAt, !checkpointing.exchange(true, ordering: .acquiringAndReleasing) {
            queue.async { self.checkpointInBackground() }
        }
    }

    private func checkpointInBackground() {
        defer { checkpointing.store(false, ordering: .releasing) }
        do {
            let database = try connection.withLock { connection in
                if let connection { return connection }
                var configuration = Configuration()
                configuration.label = "civichub.store.checkpoint"
                let opened = try DatabaseQueue(path: path, configuration: configuration)
                connection = opened
                return opened
            }
            try database.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            // Another connection is checkpointing (the writer at its limit, or another process).
        } catch {
            // Every commit past the threshold asks again; a failure that lasts (no descriptor
            // left, a full disk) is tried and logged at most once a second. The writer's own
            // checkpoint at its limit still bounds the log meanwhile.
            logger.warning("store.checkpoint.failed", metadata: ["checkpoint.by": "background", "error": "\(error)"])
            Thread.sleep(forTimeInterval: Self.pauseAfterFailure)
        }
    }

    /// How long the background connection rests after a failed checkpoint.
    static let pauseAfterFailure: TimeInterval = 1
}
