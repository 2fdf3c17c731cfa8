import CivicStore
import Foundation
import GRDB
import Testing

@Suite("Dates written without ICU, in GRDB's format")
struct StoredDateTests {
    @Test("StoredDate writes exactly what GRDB's DateFormatter writes, across centuries, leap days and sub-millisecond times")
    func sameTextAsGRDB() {
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
        }
        #expect(StoredDate.day(Date(timeIntervalSince1970: 951_868_799.999)) == "2000-02-29")
    }

    @Test("Records write their dates through StoredDate, and read them back")
    func records() throws {
        guard case .custom = InboxItemRecord.databaseDateEncodingStrategy else {
            Issue.record("InboxItemRecord dates would be written by GRDB's DateFormatter")
            return
        }
        guard case .custom = DeliveryRecord.databaseDateEncodingStrategy else {
            Issue.record("DeliveryRecord dates would be written by GRDB's DateFormatter")
            return
        }
        let queue = try DatabaseQueue()
        let date = Date(timeIntervalSince1970: 1_800_000_000.5)
        let text = try queue.read { db in try String.fetchOne(db, sql: "SELECT ?", arguments: [StoredDate(date)]) }
        #expect(text == "2027-01-15 08:00:00.500")
        let back = try queue.read { db in try Date.fetchOne(db, sql: "SELECT ?", arguments: [StoredDate(date)]) }
        #expect(back == date)
    }
}
