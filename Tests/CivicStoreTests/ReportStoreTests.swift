import CivicStore
import Foundation
import GRDB
import Testing

@Suite("Reports in SQLite")
struct ReportStoreTests {
    @Test("A report is kept once per activity id, and only the newest reports are kept")
    func bounded() async throws {
        let database = try DeliveryQueueTests.database()
        try await database.writer.write { db in
            for index in 0..<AppDatabase.maxReports {
                var report = ReportRecord(
                    activityId: "https://m.example/flags/\(index)", reporterId: "https://m.example/actor", objects: ["https://hub.example/actors/a"],
                    comment: nil, receivedAt: Date())
                try report.insert(db)
            }
        }
        let newest = ReportRecord(
            activityId: "https://m.example/flags/new", reporterId: "https://m.example/actor",
            objects: ["https://hub.example/actors/a", "https://hub.example/objects/1"], comment: "spam", receivedAt: Date())
        try await database.saveReport(newest)
        try await database.saveReport(newest)
        let count = try await database.writer.read { db in try ReportRecord.fetchCount(db) }
        #expect(count == AppDatabase.maxReports)
        let kept = try await database.reports(limit: AppDatabase.maxReports + 1)
        #expect(kept.first?.activityId == newest.activityId)
        #expect(kept.first?.objectIDs == ["https://hub.example/actors/a", "https://hub.example/objects/1"])
        #expect(!kept.contains { $0.activityId == "https://m.example/flags/0" })
        #expect(kept.contains { $0.activityId == "https://m.example/flags/1" })
    }
}
