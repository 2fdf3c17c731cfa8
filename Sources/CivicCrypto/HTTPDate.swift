import CivicVocabulary
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7), formatted and parsed by hand.
///
/// It is on the hot path of every signed request, and a strict parser refuses look-alikes:
/// only the fixed 29-byte GMT form, with a weekday that matches the date, is read.
package enum HTTPDate {
    package static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    /// 0001-01-01 and 9999-12-31T23:59:59Z: the instants a four-digit year can carry.
    package static let range: ClosedRange<TimeInterval> = -62_135_596_800...253_402_300_799

    /// Whether `date` can be written as an IMF-fixdate (its year has four digits).
    package static func canFormat(_ date: Date) -> Bool {
        range.contains(date.timeIntervalSince1970)
    }

    /// The IMF-fixdate of `date`, rounded down to the second; dates outside years 1–9999 are clamped.
    package static func string(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let clamped = interval.isNaN ? 0 : min(max(interval, range.lowerBound), range.upperBound)
        var seconds = time_t(clamped.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(parts.tm_year + 1900)
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + String(repeating: "0", count: max(0, 4 - year.count)) + year
            + " \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Reads an IMF-fixdate; nil for anything else (RFC 850 and asctime forms, other zones,
    /// impossible dates such as 31 Feb, a weekday that does not match).
    ///
    /// Byte by byte at fixed positions, without allocating: every signed request is read with it.
    package static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8(parse(bytes:))
    }

    private static let dayBytes = days.map { Array($0.utf8) }
    private static let monthBytes = months.map { Array($0.utf8) }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        // "Sun, 06 Nov 1994 08:49:37 GMT"
        guard bytes.count == 29,
              bytes[3] == UInt8(ascii: ","), bytes[4] == UInt8(ascii: " "), bytes[7] == UInt8(ascii: " "),
              bytes[11] == UInt8(ascii: " "), bytes[16] == UInt8(ascii: " "), bytes[19] == UInt8(ascii: ":"),
              bytes[22] == UInt8(ascii: ":"), bytes[25] == UInt8(ascii: " "), bytes[26...].elementsEqual("GMT".utf8),
              let weekday = dayBytes.firstIndex(where: { $0.elementsEqual(bytes[0..<3]) }),
              let month = monthBytes.firstIndex(where: { $0.elementsEqual(bytes[8..<11]) }),
              let day = number(bytes[5..<7]), let year = number(bytes[12..<16]),
              let hour = number(bytes[17..<19]), let minute = number(bytes[20..<22]), let second = number(bytes[23..<25]),
              year >= 1, day >= 1, day <= CivilDate.daysIn(month: month + 1, year: year), hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = CivilDate.days(year: year, month: month + 1, day: day)
        guard CivilDate.weekday(days: days) == weekday else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// The value of ASCII digits; nil if any byte is not a digit.
    private static func number(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
