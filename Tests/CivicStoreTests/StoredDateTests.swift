import CivicStore
import Foundation
import GRDB
import Testing

@Suite("Dates written and read without ICU, in GRDB's format")
struct StoredDateTests {
    @Test("StoredDate writes exactly what GRDB's DateFormatter writes and reads what GRDB reads, across centuries, leap days and sub-millisecond times")
    func sameTextAsGRDB() throws {
        var seconds: [Double] = [
            0, -0.0005, -0.001, -1, 0.0009, 0.999_9, 59.999_9, 86_399.999, 86_400,
            951_782_400, 951_868_799.999, 951_868_800,  // 2000-02-29 and around it
            4_107_542_400, 4_107_628_800,  // 2100-02-28 and 2100-03-01 (no leap day)
            -2_208_988_800, 1_800_000_000.123_4, 253_402_300_799.999,  // 1900, 2027, 9999-12-31
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 { seconds.append(Double.random(in: -2_208_988_800...7_258_118_400, using: &generator)) }
        for value in seconds {
            let date = Date(timeIntervalSince1970: value)
            #expect(StoredDate(date).databaseValue == date.databaseValue, "\(value)")
            // Read back, it is the date GRDB reads from the same text, to the millisecond.
            let text = StoredDate.text(date)
            let ours = try #require(StoredDate.date(text)), theirs = try #require(Date.fromDatabaseValue(text.databaseValue))
            #expect((ours.timeIntervalSince1970 * 1000).rounded() == (theirs.timeIntervalSince1970 * 1000).rounded(), "\(text)")
        }
        // Text in another form SQLite knows is left to GRDB.
        #expect(StoredDate.date("2027-01-15") == nil)
        #expect(StoredDate.fromDatabaseValue("2027-01-15".databaseValue)?.date == Date(timeIntervalSince1970: 1_800_000_000 - 8 * 3600))
        #expect(StoredDate.date("2027-01-15 08:00:00.5000") == nil)
        #expect(StoredDate.date("2027-13-15 08:00:00.500") == nil)
        #expect(StoredDate.day(Date(timeIntervalSince1970: 951_868_799.999)) == "2000-02-29")
    }

    /// The strategies as GRDB sees them: through the protocol, not the concrete type.
    static func strategies<Record: EncodableRecord & FetchableRecord>(_: Record.Type) -> (DatabaseDateEncodingStrategy, DatabaseDateDecodingStrategy) {
        (Record.databaseDateEncodingStrategy(for: "createdAt"), Record.databaseDateDecodingStrategy(for: "createdAt"))
    }

    @Test("Records write and read their dates through StoredDate")
    func records() throws {
        for (name, strategies) in [
            ("ActorRecord", Self.strategies(ActorRecord.self)), ("InboxItemRecord", Self.strategies(InboxItemRecord.self)),
            ("DeliveryRecord", Self.strategies(DeliveryRecord.self)), ("ObjectRecord", Self.strategies(ObjectRecord.self)),
        ] {
            guard case .custom = strategies.0 else {
                Issue.record("\(name) dates would be written by GRDB's DateFormatter")
                continue
            }
            guard case .custom = strategies.1 else {
                Issue.record("\(name) dates would be read through GRDB's Calendar")
                continue
            }
        }
        let queue = try DatabaseQueue()
        let date = Date(timeIntervalSince1970: 1_800_000_000.5)
        let text = try queue.read { db in try String.fetchOne(db, sql: "SELECT ?", arguments: [StoredDate(date)]) }
        #expect(text == "2027-01-15 08:00:00.500")
        let back = try queue.read { db in try StoredDate.fetchOne(db, sql: "SELECT ?", arguments: [StoredDate(date)]) }
        #expect(back?.date == date)
    }
}
