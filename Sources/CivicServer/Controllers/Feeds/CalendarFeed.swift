import CivicFederation
import CivicNode
import CivicVocabulary
import Foundation

/// Renders events as an iCalendar feed (RFC 5545): one VEVENT per event with UID, DTSTAMP,
/// DTSTART/DTEND in the event's own time zone (with its VTIMEZONE), SUMMARY, DESCRIPTION,
/// LOCATION, URL and STATUS; CRLF line ends, TEXT escaping, lines folded at 75 octets.
package enum CalendarFeed {
    static func render(events: [JSONValue], calendarName: String, now: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CivicHub//civichub \(NodeInfo.version)//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:\(escape(calendarName))",
        ]
        var zones: [String: (Date, Date)] = [:]
        var bodies: [String] = []
        for event in events {
            guard let id = event["id"]?.stringValue, let name = event["name"]?.stringValue,
                  let start = event["startTime"]?.stringValue.flatMap(Timestamp.date)
            else { continue }
            let zoneID = event["timezone"]?.stringValue.flatMap { ianaZones.contains($0) ? $0 : nil } ?? "UTC"
            let zone = TimeZone(identifier: zoneID) ?? TimeZone(secondsFromGMT: 0) ?? .current
            let end = event["endTime"]?.stringValue.flatMap(Timestamp.date)
            let range = zones[zoneID] ?? (start, start)
            zones[zoneID] = (min(range.0, start), max(range.1, end ?? start))
            var component = ["BEGIN:VEVENT", "UID:\(escape(id))", "DTSTAMP:\(utc(event["published"]?.stringValue.flatMap(Timestamp.date) ?? now))"]
            component.append("DTSTART;TZID=\(zoneID):\(local(start, zone))")
            if let end { component.append("DTEND;TZID=\(zoneID):\(local(end, zone))") }
            component.append("SUMMARY:\(escape(name))")
            if let html = event["content"]?.stringValue {
                component.append("DESCRIPTION:\(escape(HTMLSanitizer.text(html)))")
            }
            if let location = locationText(event["location"]) { component.append("LOCATION:\(escape(location))") }
            if let categories = event["category"].map({ ($0.arrayValue ?? [$0]).compactMap(\.stringValue) }), !categories.isEmpty {
                component.append("CATEGORIES:" + categories.map(escape).joined(separator: ","))
            }
            if let url = WebLink.http(event["url"]?.stringValue) ?? WebLink.http(id) { component.append("URL:\(url)") }
            component.append("STATUS:\(status(of: event))")
            component.append("END:VEVENT")
            bodies.append(contentsOf: component)
        }
        for (zoneID, range) in zones.sorted(by: { $0.key < $1.key }) {
            lines.append(contentsOf: timezone(zoneID, from: range.0, to: range.1))
        }
        lines.append(contentsOf: bodies)
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// IANA time zone names: the only TZID values written (a received event's `timezone` is
    /// used only when it is one of them).
    static let ianaZones = Set(TimeZone.knownTimeZoneIdentifiers)

    /// A VTIMEZONE with one observance per offset change around the events (no RRULE needed).
    static func timezone(_ identifier: String, from start: Date, to end: Date) -> [String] {
        guard let zone = TimeZone(identifier: identifier) else { return [] }
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(identifier)"]
        var cursor = start.addingTimeInterval(-366 * 86_400)
        let limit = end.addingTimeInterval(366 * 86_400)
        var observances: [String] = []
        var offsetBefore = zone.secondsFromGMT(for: cursor)
        observances += observance(zone: zone, at: cursor, from: offsetBefore, to: offsetBefore)
        while let transition = zone.nextDaylightSavingTimeTransition(after: cursor), transition < limit, observances.count < 400 {
            let offsetAfter = zone.secondsFromGMT(for: transition)
            observances += observance(zone: zone, at: transition, from: offsetBefore, to: offsetAfter)
            offsetBefore = offsetAfter
            cursor = transition
        }
        lines += observances
        lines.append("END:VTIMEZONE")
        return lines
    }

    static func observance(zone: TimeZone, at date: Date, from: Int, to: Int) -> [String] {
        let kind = zone.isDaylightSavingTime(for: date) ? "DAYLIGHT" : "STANDARD"
        let localStart = date.addingTimeInterval(TimeInterval(from))
        return [
            "BEGIN:\(kind)", "DTSTART:\(format(localStart, utc: false))", "TZOFFSETFROM:\(offset(from))", "TZOFFSETTO:\(offset(to))",
            "END:\(kind)",
        ]
    }

    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let value = abs(seconds)
        return String(format: "%@%02d%02d", sign, value / 3600, (value % 3600) / 60)
    }

    static func local(_ date: Date, _ zone: TimeZone) -> String {
        format(date.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: date))), utc: false)
    }

    static func utc(_ date: Date) -> String { format(date, utc: true) }

    /// `yyyyMMdd'T'HHmmss` of the date read as UTC (callers shift local times first).
    static func format(_ date: Date, utc: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02d%@", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0, utc ? "Z" : "")
    }

    /// "Place, street, postal code locality, country" and/or the online URL.
    static func locationText(_ location: JSONValue?) -> String? {
        guard let location else { return nil }
        let places = location.arrayValue ?? [location]
        var parts: [String] = []
        for place in places {
            if place.hasType("VirtualLocation"), let url = place["url"]?.stringValue {
                parts.append(url)
                continue
            }
            // FEP-8a8e allows the address as one line of text (Gancio sends that).
            if let line = place["address"]?.stringValue {
                parts += [place["name"]?.stringValue, line].compactMap { $0 }
                continue
            }
            let address = place["address"]
            let locality = [address?["postalCode"]?.stringValue, address?["addressLocality"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            parts += [place["name"]?.stringValue, address?["streetAddress"]?.stringValue, locality.isEmpty ? nil : locality,
                      address?["addressCountry"]?.stringValue].compactMap { $0 }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The RFC 5545 STATUS of an event: from FEP-8a8e `eventStatus`, else the iCalendar
    /// `status` some servers send (`ical:status` from Mobilizon).
    static func status(of event: JSONValue) -> String {
        switch event["eventStatus"]?.stringValue {
        case "EventCancelled": return "CANCELLED"
        case "EventTentative", "EventPostponed": return "TENTATIVE"
        case .some: return "CONFIRMED"
        case nil: break
        }
        let fallback = (event["ical:status"] ?? event["status"])?.stringValue?.uppercased()
        return ["TENTATIVE", "CANCELLED"].contains(fallback) ? fallback ?? "CONFIRMED" : "CONFIRMED"
    }

    /// RFC 5545 §3.3.11 TEXT escaping, on Unicode scalars (a combining mark after a line feed
    /// must not smuggle the line feed through as part of one Character).
    package static func escape(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result.append(contentsOf: "\\\\".unicodeScalars)
            case ";": result.append(contentsOf: "\\;".unicodeScalars)
            case ",": result.append(contentsOf: "\\,".unicodeScalars)
            case "\n": result.append(contentsOf: "\\n".unicodeScalars)
            case "\r": continue
            // RFC 5545 allows no control characters in text (tab is white space).
            case _ where HTML.isControl(scalar): continue
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Folds a content line at 75 octets without splitting a UTF-8 sequence (§3.1).
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var result = ""
        var count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                result += "\r\n "
                count = 1
            }
            result.append(character)
            count += size
        }
        return result
    }
}
