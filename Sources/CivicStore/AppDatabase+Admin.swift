import Foundation
import GRDB

extension AppDatabase {
    /// Stores the hash of an admin API token.
    package func insertAdminToken(hash: String, at date: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO adminToken (tokenHash, createdAt) VALUES (?, ?)", arguments: [hash, StoredDate(date)])
        }
    }

    /// True when a token with this hash exists.
    package func adminTokenExists(hash: String) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM adminToken WHERE tokenHash = ?)", arguments: [hash]) ?? false
        }
    }

    /// True once any admin token was issued.
    package func hasAdminToken() async throws -> Bool {
        try await writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM adminToken)") ?? false }
    }
}

extension AppDatabase {
    /// Stores `value` under `key` unless a value is there already; returns the value in force.
    package func settingOrInsert(_ key: String, _ value: String) async throws -> String {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING", arguments: [key, value])
            return try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) ?? value
        }
    }

    /// The stored value of a setting.
    package func setting(_ key: String) async throws -> String? {
        try await writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }
}
