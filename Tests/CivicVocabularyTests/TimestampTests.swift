import CivicVocabulary
import Foundation
import Testing

@Suite("RFC 3339 timestamps: strict parsing of what other servers and admins send")
struct TimestampTests {
    static func foundation(_ text: String) -> Date? {
        for style in [Date.ISO8601FormatStyle(), Date.ISO8601FormatStyle(includingFractionalSeconds: true)] {
            if let date = try? Date(text, strategy: style) { return date }
        }
        return nil
    }

    @Test("Valid date-times, with offsets, fractions, either case and a leap second", arguments: [
        ("2026-11-26T21:47:55Z", 1_795_729_675.0),
        ("2026-11-26T21:47:55.123Z", 1_795_729_675.123),
        ("2026-11-26t21:47:55.5z", 1_795_729_675.5),
        ("2026-11-26T23:47:55+02:00", 1_795_729_675.0),
        ("2026-11-26T16:17:55-05:30", 1_795_729_675.0),
        ("2026-11-26T21:47:55-00:00", 1_795_729_675.0),
        ("2026-11-27T15:47:55+18:00", 1_795_729_675.0),
        ("2026-11-26T21:47:55.123456789123Z", 1_795_729_675.123456789),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("2000-02-29T12:00:00Z", 951_825_600.0),
        ("1969-12-31T23:59:59Z", -1.0),
        ("0001-01-01T00:00:00Z", -62_135_596_800.0),
        ("9999-12-31T23:59:59Z", 253_402_300_799.0),
        ("2016-12-31T23:59:60Z", 1_483_228_800.0),
    ])
    func valid(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.date(text), "\(text)")
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6, "\(text): \(date.timeIntervalSince1970)")
    }

    @Test("Dates that do not exist and everything outside RFC 3339 are refused", arguments: [
        "2026-02-30T18:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:61Z", "0000-01-01T00:00:00Z", "99999-01-01T00:00:00Z", "+2026-01-01T00:00:00Z", "2026-01-01T00:00:00",
        "2026-01-01 00:00:00Z", "2026-01-01T00:00Z", "2026-1-01T00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+0200",
        "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+19:00", "2026-01-01T00:00:00-18:01", "2026-01-01T00:00:00+02:60", "2026-01-01T00:00:00+02", "2026-01-01T00:00:00Zjunk",
        "2026-01-01T00:00:00ZZ", "2026-01-01", "", "T", "2026-01-01T00:00:00.1234567890123456789012345Z",
        "٢٠٢٦-٠١-٠١T00:00:00Z", "2026-01-01T00:00:00\u{0}Z", "2026-01-01T00:00:00 Z", " 2026-01-01T00:00:00Z",
    ])
    func refused(text: String) {
        #expect(Timestamp.date(text) == nil, "\(text)")
    }

    @Test("Agrees with Foundation on 5,000 random valid date-times, and accepts nothing Foundation refuses among 20,000 mutations")
    func differential() throws {
        var generator = SplitMix64(seed: 0x7157_3339)
        var valid: [String] = []
        // From 1583 on: before the Gregorian reform Foundation counts Julian dates, RFC 3339 Gregorian ones.
        for _ in 0..<5_000 {
            let year = Int.random(in: 1583...9999, using: &generator), month = Int.random(in: 1...12, using: &generator)
            let day = Int.random(in: 1...28, using: &generator)
            var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day,
                              Int.random(in: 0...23, using: &generator), Int.random(in: 0...59, using: &generator),
                              Int.random(in: 0...59, using: &generator))
            if Bool.random(using: &generator) { text += String(format: ".%03d", Int.random(in: 0...999, using: &generator)) }
            if Bool.random(using: &generator) {
                text += "Z"
            } else {
                text += String(format: "%@%02d:%02d", Bool.random(using: &generator) ? "+" : "-",
                               Int.random(in: 0...14, using: &generator), Int.random(in: 0...59, using: &generator))
            }
            valid.append(text)
            let ours = try #require(Timestamp.date(text), "\(text)")
            let theirs = try #require(Self.foundation(text), "\(text)")
            #expect(abs(ours.timeIntervalSince1970 - theirs.timeIntervalSince1970) < 1e-4, "\(text)")
        }
        let alphabet = Array("0123456789-:T.Z+ tz".utf8) + [0, 0xFF, 0xD9]
        for round in 0..<20_000 {
            var bytes = Array(valid[round % valid.count].utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
                if bytes.isEmpty { bytes = [0x30] }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let ours = Timestamp.date(text) else { continue }
            // Foundation refuses some valid RFC 3339 forms (lowercase letters, a leap second) and
            // counts years before 1583 as Julian.
            guard !text.contains("t"), !text.contains("z"), !text.contains(":60"), let year = Int(text.prefix(4)), year >= 1583
            else { continue }
            let theirs = try #require(Self.foundation(text), "accepted \(text)")
            #expect(abs(ours.timeIntervalSince1970 - theirs.timeIntervalSince1970) < 1e-4, "\(text)")
        }
    }

    @Test("Written as Foundation writes it, from 1583 on, for 20,000 random instants and the edges of the range")
    func writtenAsFoundation() {
        var generator = SplitMix64(seed: 0x7157_0024)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        // Half a millisecond into each millisecond: where truncating a binary fraction cannot
        // land on either side of a boundary.
        let instants = (0..<20_000).map { _ in Double(Int64.random(in: -12_212_553_600_000...253_402_300_799_999, using: &generator)) / 1000 + 0.0005 }
            + [0, -0.0005, 0.9995, -12_212_553_600.0, 253_402_300_799.9995, 1_795_729_675.1235]
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.string(date) == date.formatted(style), "\(seconds)")
        }
        // Outside 1–9999 it is Foundation's text.
        let far = Date(timeIntervalSince1970: 253_402_300_800)
        #expect(Timestamp.string(far) == far.formatted(style))
    }

    @Test("Dates before 1583 are written in the proleptic Gregorian calendar they are read in", arguments: [
        "0001-01-01T00:00:00.000Z", "1000-02-28T12:34:56.500Z", "1582-10-04T23:59:59.750Z", "1582-10-10T00:00:00.000Z",
    ])
    func earlyDatesRoundTrip(text: String) throws {
        #expect(Timestamp.string(try #require(Timestamp.date(text))) == text)
    }
}
