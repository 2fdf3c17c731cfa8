import Foundation
import GRDB

/// A date as this database stores it: UTC text `yyyy-MM-dd HH:mm:ss.SSS`, GRDB's own format, so
/// that rows written either way compare and sort alike.
///
/// GRDB writes a `Date` with a Foundation `DateFormatter`, i.e. ICU: a calendar copied per call
/// (a profile of the soak counted 57,000 of them) and ICU's data paged into every node. Every date
/// this store binds goes through here instead: a bare `Date` argument and the records'
/// `StoresDates` strategy. Reading is unchanged (GRDB parses the text without ICU).
package struct StoredDate: DatabaseValueConvertible, Sendable {
    package var date: Date

    package init(_ date: Date) {
        self.date = date
    }

    package var databaseValue: DatabaseValue { Self.text(date).databaseValue }

    package static func fromDatabaseValue(_ value: DatabaseValue) -> StoredDate? {
        Date.fromDatabaseValue(value).map(StoredDate.init)
    }

    /// `yyyy-MM-dd HH:mm:ss.SSS` in UTC, rounded to the millisecond with the same arithmetic as
    /// `DateFormatter` (CoreFoundation adds half a millisecond, ICU floors).
    package static func text(_ date: Date) -> String {
        let milliseconds = Int64(((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down))
        let (days, inDay) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = civil(days: days)
        var text = ""
        text.reserveCapacity(23)
        append(year, width: 4, to: &text)
        text += "-"
        append(month, width: 2, to: &text)
        text += "-"
        append(day, width: 2, to: &text)
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

    /// Proleptic Gregorian year, month and day of a count of days since 1970-01-01 (Howard
    /// Hinnant's `civil_from_days`).
    private static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func append(_ value: Int64, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }
}

/// Records whose `Date` properties are written as `StoredDate`.
package protocol StoresDates: EncodableRecord {}

extension StoresDates {
    package static var databaseDateEncodingStrategy: DatabaseDateEncodingStrategy { .custom { StoredDate($0) } }
}
