import Foundation

/// RFC 3339 timestamps as ActivityStreams writes them (UTC, millisecond precision, so that two
/// edits within one second are still ordered).
package enum Timestamp {
    /// `2026-11-26T21:47:55.123Z`: the milliseconds truncated, as Foundation's ISO 8601 style
    /// writes them. Written by hand (Foundation's formatter costs microseconds per call), in the
    /// proleptic Gregorian calendar that `date(_:)` reads: Foundation's writes years before 1583
    /// as Julian, so that a remote date read and written again would change. Years outside
    /// 1–9999, which `date(_:)` never reads, are left to Foundation.
    package static func string(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard milliseconds >= -62_135_596_800_000, milliseconds < 253_402_300_800_000 else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        }
        let total = Int(milliseconds)
        let days = total >= 0 ? total / 86_400_000 : (total - 86_399_999) / 86_400_000
        let inDay = total - days * 86_400_000
        let civil = CivilDate.civil(days: days)
        return String(unsafeUninitializedCapacity: 24) { text in
            func put(_ value: Int, digits: Int, at start: Int) {
                var value = value
                for index in (start..<start + digits).reversed() {
                    text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(civil.year, digits: 4, at: 0)
            put(civil.month, digits: 2, at: 5)
            put(civil.day, digits: 2, at: 8)
            put(inDay / 3_600_000, digits: 2, at: 11)
            put(inDay / 60_000 % 60, digits: 2, at: 14)
            put(inDay / 1000 % 60, digits: 2, at: 17)
            put(inDay % 1000, digits: 3, at: 20)
            (text[4], text[7], text[10], text[13], text[16], text[19], text[23]) = (
                UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "Z"))
            return 24
        }
    }

    /// Parses an RFC 3339 date-time (§5.6): `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` and
    /// `Z` in either case, years 0001–9999 of the proleptic Gregorian calendar, offsets up to
    /// ±18:00 (real ones stay within ±14:00), the fraction to the nanosecond (further digits are
    /// read and dropped), a leap second (`:60`) counted into the next minute. Nil for anything
    /// else, dates that do not exist (February 30th, hour 24) included: Foundation's parser rolls
    /// those over into other dates, and reads years before 1583 as Julian.
    package static func date(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 20, bytes.count <= 40 else { return nil }
            var index = 0
            func number(_ digits: Int) -> Int? {
                guard index + digits <= bytes.count else { return nil }
                var value = 0
                for _ in 0..<digits {
                    let byte = bytes[index]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                    index += 1
                }
                return value
            }
            func skip(_ expected: UInt8...) -> Bool {
                guard index < bytes.count, expected.contains(bytes[index]) else { return false }
                index += 1
                return true
            }
            guard let year = number(4), skip(UInt8(ascii: "-")), let month = number(2), skip(UInt8(ascii: "-")),
                  let day = number(2), skip(UInt8(ascii: "T"), UInt8(ascii: "t")),
                  let hour = number(2), skip(UInt8(ascii: ":")), let minute = number(2), skip(UInt8(ascii: ":")),
                  let second = number(2),
                  (1...9999).contains(year), (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day),
                  hour < 24, minute < 60, second <= 60
            else { return nil }
            var nanoseconds = 0
            if skip(UInt8(ascii: ".")) {
                let start = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    if index - start < 9 { nanoseconds = nanoseconds * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                    index += 1
                }
                guard index > start else { return nil }
                for _ in min(index - start, 9)..<9 { nanoseconds *= 10 }
            }
            var offset = 0
            if !skip(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
                guard index < bytes.count else { return nil }
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                guard skip(UInt8(ascii: "+"), UInt8(ascii: "-")), let hours = number(2), skip(UInt8(ascii: ":")), let minutes = number(2),
                      minutes < 60, hours * 60 + minutes <= 18 * 60
                else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
            }
            guard index == bytes.count else { return nil }
            let seconds = CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
        }
    }
}
