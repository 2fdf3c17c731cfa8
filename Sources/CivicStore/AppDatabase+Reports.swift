import Foundation
import GRDB

/// A report about this node's actors or content, as another server's moderators forwarded it.
package struct ReportRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord, StoresDates {
    package static let databaseTableName = "report"

    package var id: Int64?
    /// The `Flag` activity's id: a report forwarded twice is kept once.
    package var activityId: String
    /// Who sent it (for Mastodon, the reporting server's instance actor).
    package var reporterId: String
    /// The reported local actors and objects: IRIs, one a line (an IRI has no white space).
    package var objects: String
    /// The reporter's comment, as plain text.
    package var comment: String?
    package var receivedAt: Date

    package init(activityId: String, reporterId: String, objects: [String], comment: String?, receivedAt: Date) {
        self.activityId = activityId
        self.reporterId = reporterId
        self.objects = objects.joined(separator: "\n")
        self.comment = comment
        self.receivedAt = receivedAt
    }

    /// The reported IRIs.
    package var objectIDs: [String] {
        objects.split(separator: "\n").map(String.init)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension AppDatabase {
    /// Most reports kept: past it the oldest go, so that a server sending report after report
    /// cannot fill the disk.
    package static let maxReports = 10_000

    /// Keeps a report unless one with its activity id is kept already.
    package func saveReport(_ report: ReportRecord) async throws {
        try await writer.write { db in
            var report = report
            try report.insert(db, onConflict: .ignore)
            try db.execute(
                sql: "DELETE FROM report WHERE id <= (SELECT id FROM report ORDER BY id DESC LIMIT 1 OFFSET ?)",
                arguments: [Self.maxReports])
        }
    }

    /// The newest reports first.
    package func reports(limit: Int) async throws -> [ReportRecord] {
        try await writer.read { db in try ReportRecord.order(Column("id").desc).limit(limit).fetchAll(db) }
    }
}
