import CivicStore
import Foundation
import GRDB
import Logging
import Synchronization
import Testing

/// The write-ahead log is checkpointed beside the writer, and by the writer only when it has
/// grown to its limit. Checkpoints are seen on disk: until one runs, committed pages are only in
/// the log, so the database file does not grow.
@Suite("WAL checkpoints")
struct WALCheckpointTests {
    /// A migrated database in a new directory, and its path.
    static func database(_ limits: WALCheckpoints.Limits, logger: Logger? = nil) throws -> (AppDatabase, String) {
        let directory = NSTemporaryDirectory() + "civichub-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/civichub.sqlite"
        let database = try logger.map { try AppDatabase.open(path: path, checkpoints: limits, logger: $0) }
            ?? AppDatabase.open(path: path, checkpoints: limits)
        try database.writer.write { db in try db.execute(sql: "CREATE TABLE filler (bytes BLOB NOT NULL)") }
        // The tests count from an empty log. The migrations' commit may have started a background
        // checkpoint, which holds SQLite's checkpoint lock until it ends.
        while true {
            do {
                try database.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
                break
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        return (database, path)
    }

    /// Commits `rows` rows of a page each in one transaction: `rows` pages of the log, and a few
    /// more for the table's interior page and the database header.
    static func fill(_ database: AppDatabase, rows: Int) throws {
        try database.writer.write { db in
            for _ in 0..<rows { try db.execute(sql: "INSERT INTO filler (bytes) VALUES (randomblob(3000))") }
        }
    }

    static func size(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test("Past the background threshold the log is copied into the database without another write")
    func background() async throws {
        // Above what the migrations write, so that no background checkpoint ran before.
        let (database, path) = try Self.database(.init(backgroundAt: 500, writerAt: 1_000_000))
        let before = try Self.size(path)
        try Self.fill(database, rows: 600)
        // Given time, the background checkpoint copies the 600 pages into the database file.
        let deadline = ContinuousClock.now + .seconds(60)
        while try Self.size(path) < before + 600 * 4096, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try Self.size(path) >= before + 600 * 4096)
    }

    @Test("Below both limits the writer does not checkpoint, even past SQLite's own 1,000 pages")
    func writerLeavesTheLog() throws {
        let (database, path) = try Self.database(.init(backgroundAt: 1_000_000, writerAt: 1_000_000))
        let before = try Self.size(path)
        try Self.fill(database, rows: 1_100)
        #expect(try Self.size(path) == before)
        #expect(try Self.size(path + "-wal") > 1_100 * 4096)
    }

    @Test("At its limit the writer checkpoints after its commit, and the log starts over")
    func writerAtItsLimit() throws {
        let (database, path) = try Self.database(.init(backgroundAt: 1_000_000, writerAt: 40))
        let before = try Self.size(path)
        try Self.fill(database, rows: 20)
        #expect(try Self.size(path) == before)
        try Self.fill(database, rows: 20)
        // The commit that took the log past 40 pages returned after copying them.
        #expect(try Self.size(path) >= before + 40 * 4096)
        for _ in 0..<20 { try Self.fill(database, rows: 20) }
        // The log never holds more than the limit and one transaction (20 pages and a few):
        // 32 bytes of header, 24 per frame.
        #expect(try Self.size(path + "-wal") <= 32 + (40 + 25) * (4096 + 24))
    }

    @Test("A background checkpoint that keeps failing is tried and logged at most once a second")
    func failingBackground() async throws {
        let messages = LoggedMessages()
        let logger = Logger(label: "test") { _ in RecordingLogHandler(messages: messages) }
        let (database, path) = try Self.database(.init(backgroundAt: 500, writerAt: 1_000_000), logger: logger)
        // The background connection opens the database by its path on its first checkpoint,
        // and there is a directory there now; the pool's connections keep the file they opened.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".moved")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        func failures() -> Int { messages.texts.withLock { $0.filter { $0 == "store.checkpoint.failed" }.count } }
        let start = ContinuousClock.now
        // Past the threshold, and then 200 commits, each asking for a checkpoint.
        try Self.fill(database, rows: 600)
        for _ in 0..<200 { try Self.fill(database, rows: 1) }
        while failures() == 0, ContinuousClock.now - start < .seconds(30) {
            try await Task.sleep(for: .milliseconds(10))
        }
        // Attempts are a second apart at least, however long the commits took.
        let elapsed = ContinuousClock.now - start
        #expect(failures() >= 1)
        #expect(failures() <= Int(elapsed / .seconds(1)) + 2, "\(failures()) failures logged in \(elapsed)")
    }
}

/// Messages logged, in order.
final class LoggedMessages: Sendable {
    let texts = Mutex<[String]>([])
}

/// Keeps the messages logged through it.
struct RecordingLogHandler: LogHandler {
    let messages: LoggedMessages
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.texts.withLock { $0.append(event.message.description) }
    }
}
