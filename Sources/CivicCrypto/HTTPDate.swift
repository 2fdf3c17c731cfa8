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
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    /// 0001-01-01 and 9999-12-31T23:59:59Z: the instants a four-digit year can carry.
    static let range: ClosedRange<TimeInterval> = -62_135_596_800...253_402_300_799

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
    package static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29 else { return nil }
        let fields = text.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].count == 4, fields[0].hasSuffix(","), fields[5] == "GMT",
              fields[1].count == 2, fields[3].count == 4, fields[4].count == 8,
              let day = digits(fields[1]), let month = months.firstIndex(of: String(fields[2])), let year = digits(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
              let hour = digits(clock[0]), let minute = digits(clock[1]), let second = digits(clock[2]),
              (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year) - 1900
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let date = Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
        // timegm normalises 31 Feb to 3 Mar; writing the date back catches that and a wrong weekday.
        return string(date) == text ? date : nil
    }

    /// ASCII digits only (Int() would also take a sign).
    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }
}
