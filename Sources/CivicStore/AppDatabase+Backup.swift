import CivicModel
import Foundation
import GRDB

extension AppDatabase {
    /// Writes a consistent copy of the whole database to a new file at `path` with SQLite's
    /// online backup, while the node keeps serving and writing. Refuses to overwrite a file.
    package func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(code: "backup.exists", reason: "\(path) exists; back up to a new file")
        }
        let copy = try DatabaseQueue(path: path)
        try writer.backup(to: copy)
        try copy.close()
    }

    /// Makes `path` a copy of the backup at `backup` after checking that it is an intact CivicHub
    /// database. Refuses when `path` exists: a node's live database is never overwritten.
    package static func restore(from backup: String, to path: String) throws {
        guard FileManager.default.fileExists(atPath: backup) else {
            throw StoreError(code: "restore.missing", reason: "no backup at \(backup)")
        }
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] where FileManager.default.fileExists(atPath: file) {
            throw StoreError(code: "restore.exists", reason: "\(file) exists; move it away first (and stop the node using it)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let source: DatabaseQueue
        do {
            source = try DatabaseQueue(path: backup, configuration: configuration)
            let (check, migrated) = try source.read { db in
                (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try db.tableExists("grdb_migrations") && db.tableExists("actor"))
            }
            guard check == "ok", migrated else {
                throw StoreError(code: "restore.invalid", reason: "\(backup) is not an intact CivicHub database")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: "restore.invalid", reason: "\(backup) is not an intact CivicHub database")
        }
        // Copied next to its place, then renamed: a failed restore never leaves a partial
        // database where the node would start from it.
        let partial = path + ".restoring-\(UUID().uuidString)"
        do {
            let target = try DatabaseQueue(path: partial)
            try source.backup(to: target)
            try target.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try target.close()
            try source.close()
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            for file in [partial, partial + "-wal", partial + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
            throw StoreError(code: "restore.failed", reason: "could not restore \(backup): \(error)")
        }
    }
}
