import CivicStore
import Foundation

extension AppDatabase {
    /// Stores an inbox item with id `https://a.example/activities/NAME`, received `daysAgo` days
    /// ago, and marks it processed unless `processed` is false: a row for the queue retention to
    /// find. Returns its row id.
    @discardableResult
    package func insertInboxItem(_ name: String, daysAgo: Double, processed: Bool = true) async throws -> Int64 {
        let item = InboxItemRecord(
            activityId: "https://a.example/activities/\(name)", actorId: "https://a.example/actors/x", type: "Create",
            document: Data("{}".utf8), receivedAt: Date().addingTimeInterval(-daysAgo * 86_400))
        guard let id = try await enqueueInbox(item) else { throw FixtureError("\(item.activityId) is already stored") }
        if processed { try await finishInboxItems([(id, nil)]) }
        return id
    }
}

/// A test fixture that could not be set up.
package struct FixtureError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
