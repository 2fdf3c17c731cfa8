import CivicVocabulary
import Foundation
import GRDB

/// A date as this database stores it: UTC text `yyyy-MM-dd HH:mm:ss.SSS`, GRDB's own format, so
/// that rows written either way compare and sort alike.
///
/// GRDB writes a `Date` with a Foundation `DateFormatter`, i.e. ICU: a calendar copied per call
/// (a profile of the soak counted 57,000 of them), and reads one through a UTC `Calendar` whose
/// time zone is ICU's; either pages ICU's data (4–6 MiB) into the node. Every date this store
/// writes or reads goes through here instead: bare `Date` arguments, `StoredDate.fetchOne`, and
/// the records' `StoresDates` strategies. Text in any other form SQLite knows is left to GRDB.
package struct StoredDate: DatabaseValueConvertible, Sendable {
    package var date: Date

    package init(_ date: Date) {
        self.date = date
    }

    package var databaseValue: DatabaseValue { Self.text(date).databaseValue }

    package static func fromDatabaseValue(_ value: DatabaseValue) -> StoredDate? {
        if case .string(let text) = value.storage, let date = date(text) { return StoredDate(date) }
        return Date.fromDatabaseValue(value).map(StoredDate.init)
    }

    /// The date `text(_:)` wrote, or nil for text in another form.
    package static func date(_ text: String) -> Date? {
        var utf8 = text.utf8.makeIterator()
        func number(_ digits: Int, then separator: UInt8?) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<digits {
                guard let byte = utf8.next(), (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            if let separator { guard utf8.next() == separator else { return nil } }
            return value
        }
        guard let year = number(4, then: 45), let month = number(2, then: 45), let day = number(2, then: 32),
            let hour = number(2, then: 58), let minute = number(2, then: 58), let second = number(2, then: 46),
            let millisecond = number(3, then: nil), utf8.next() == nil,
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = Int64(CivilDate.days(year: Int(year), month: Int(month), day: Int(day))) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
    }

    /// `yyyy-MM-dd HH:mm:ss.SSS` in UTC, rounded to the millisecond with the same arithmetic as
    /// `DateFormatter` (CoreFoundation adds half a millisecond, ICU floors).
    package static func text(_ date: Date) -> String {
        let milliseconds = Int64(((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down))
        let (days, inDay) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = CivilDate.civil(days: Int(days))
        var text = ""
        text.reserveCapacity(23)
        append(Int64(year), width: 4, to: &text)
        text += "-"
        append(Int64(month), width: 2, to: &text)
        text += "-"
        append(Int64(day), width: 2, to: &text)
        text += " "
        append(inDay / 3_600_000, width: 2, to: &text)
        text += ":"
        append(inDay / 60_000 % 60, width: 2, to: &text)
        text += ":"
        append(inDay / 1000 % 60, width: 2, to: &text)
        text += "."
        append(inDay % 1000, width: 3, to: &text)
        return text
    }

    /// The UTC day, `yyyy-MM-dd`.
    package static func day(_ date: Date) -> String {
        String(text(date).prefix(10))
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = (value % divisor + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    private static func append(_ value: Int64, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }
}

/// Records whose `Date` properties are written and read as `StoredDate`. (It refines
/// `PersistableRecord`, not just `EncodableRecord`: with the latter GRDB's own default stayed the
/// witness for the records, which `StoredDateTests` checks through the protocols.)
package protocol StoresDates: PersistableRecord, FetchableRecord {}

extension StoresDates {
    package static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoredDate($0) }
    }

    package static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { StoredDate.fromDatabaseValue($0)?.date }
    }
}
