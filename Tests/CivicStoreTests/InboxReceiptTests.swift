import CivicModel
import CivicStore
import Foundation
import GRDB
import Testing

/// Received `Create`s whose effect is known on arrival are processed in the transaction that
/// stores them, but never ahead of an earlier activity still waiting for the inbox worker.
@Suite("Inbox receipts in SQLite")
struct InboxReceiptTests {
    static let author = "https://a.example/actors/ana"

    static func database(knowing author: String? = Self.author) async throws -> AppDatabase {
        let database = try DeliveryQueueTests.database()
        if let author {
            let profile = ActorProfile(
                id: author, kind: .person, preferredUsername: "ana", host: "a.example", inbox: "\(author)/inbox", isLocal: false)
            try await database.saveRemoteActor(ActorRecord(profile: profile, document: Data("{}".utf8), fetchedAt: DeliveryQueueTests.start))
        }
        return database
    }

    static func item(_ name: String, type: String = "Create") -> InboxItemRecord {
        InboxItemRecord(
            activityId: "https://a.example/activities/\(name)", actorId: author, type: type, document: Data("{}".utf8),
            receivedAt: DeliveryQueueTests.start)
    }

    static func note(_ name: String, text: String = "hello") -> ObjectRecord {
        ObjectRecord(
            id: "https://a.example/notes/\(name)", type: "Note", attributedTo: author, isLocal: false, isPublic: true,
            document: Data(#"{"content":"\#(text)"}"#.utf8), published: DeliveryQueueTests.start)
    }

    static func states(_ database: AppDatabase) async throws -> [String] {
        try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT state FROM inboxItem ORDER BY id") }
    }

    @Test("With nothing waiting, the object is stored with its activity, which is done; a repeat changes nothing")
    func processedOnReceipt() async throws {
        let database = try await Self.database()
        #expect(try await database.receiveInbox(Self.item("1"), effect: .store(Self.note("1"))) == .processed)
        #expect(try await database.object(id: Self.note("1").id)?.document == Self.note("1").document)
        #expect(try await Self.states(database) == ["done"])
        #expect(try await database.pendingInboxItems(limit: 10).isEmpty)

        #expect(try await database.receiveInbox(Self.item("1"), effect: .store(Self.note("1", text: "changed"))) == .duplicate)
        #expect(try await database.object(id: Self.note("1").id)?.document == Self.note("1").document)
    }

    @Test("Behind an activity waiting for the worker, a Create waits too, and its object is not stored yet")
    func waitsBehindEarlierActivities() async throws {
        let database = try await Self.database()
        let follow = try #require(try await database.enqueueInbox(Self.item("follow", type: "Follow")))
        guard case .queued(let row) = try await database.receiveInbox(Self.item("1"), effect: .store(Self.note("1"))) else {
            Issue.record("a Create behind a pending Follow was not queued")
            return
        }
        #expect(row > follow)
        #expect(try await database.object(id: Self.note("1").id) == nil)
        #expect(try await database.pendingInboxItems(limit: 10).compactMap(\.id) == [follow, row])

        // Once the worker has finished them, Creates are processed on receipt again.
        try await database.finishInboxItems([(follow, nil), (row, nil)])
        #expect(try await database.receiveInbox(Self.item("2"), effect: .store(Self.note("2"))) == .processed)
    }

    @Test("In one transaction, the arrivals after one left to the worker are left to it too")
    func orderWithinOneCommit() async throws {
        let database = try await Self.database()
        let receipts = try await database.writer.write { db in
            try AppDatabase.storeInbox([
                InboxArrival(item: Self.item("1"), effect: .store(Self.note("1"))),
                InboxArrival(item: Self.item("delete", type: "Delete")),
                InboxArrival(item: Self.item("2"), effect: .store(Self.note("2"))),
            ], db)
        }
        #expect(receipts.first == .processed)
        #expect(receipts.dropFirst().allSatisfy { if case .queued = $0 { true } else { false } })
        #expect(try await Self.states(database) == ["done", "pending", "pending"])
        #expect(try await database.object(id: Self.note("1").id) != nil)
        #expect(try await database.object(id: Self.note("2").id) == nil)
    }

    @Test("A retry waiting for its time does not hold later Creates back")
    func retriesDoNotHoldBack() async throws {
        let database = try await Self.database()
        let announce = try #require(try await database.enqueueInbox(Self.item("announce", type: "Announce")))
        try await database.finishInboxItems([], retrying: [(announce, "503 from the origin", DeliveryQueueTests.start.addingTimeInterval(60))])
        #expect(try await database.receiveInbox(Self.item("1"), effect: .store(Self.note("1"))) == .processed)
        #expect(try await database.object(id: Self.note("1").id) != nil)
    }

    @Test("A Create whose author is not known here (deleted or blocked meanwhile) is left to the worker")
    func authorUnknown() async throws {
        let database = try await Self.database(knowing: nil)
        guard case .queued = try await database.receiveInbox(Self.item("1"), effect: .store(Self.note("1"))) else {
            Issue.record("a Create by an unknown author was processed on receipt")
            return
        }
        #expect(try await database.object(id: Self.note("1").id) == nil)
        #expect(try await Self.states(database) == ["pending"])
    }
}
