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
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(code: "restore.exists", reason: "\(path) exists; move it away first (and stop the node using it)")
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
        let target = try DatabaseQueue(path: path)
        try source.backup(to: target)
        try target.close()
        try source.close()
    }
}
