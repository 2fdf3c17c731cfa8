import CivicModel
import CivicNode
import CivicServer
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Events: publishing, federation and the calendar feed", .serialized, .liveNodes)
struct EventTests {
    static let start = Date(timeIntervalSince1970: 1_796_144_400)  // 2026-12-01T17:00:00Z

    static func hybrid(_ name: String = "Hackathon: open data for local democracy") -> EventDraft {
        EventDraft(
            name: name, description: "Bring a laptop; bring questions, commas; and semicolons.", startTime: start,
            endTime: start.addingTimeInterval(3 * 3600), timezone: "Europe/Berlin",
            location: .init(name: "Haus der Demokratie", streetAddress: "Greifswalder Straße 4", postalCode: "10405", locality: "Berlin",
                            country: "DE", url: "https://meet.example/hackathon"))
    }

    @Test("Invalid events are refused with the field named", arguments: [
        ("endTime", EventDraft(name: "x", description: nil, startTime: start, endTime: start.addingTimeInterval(-60), timezone: "Europe/Berlin", location: .init(url: "https://a.example"))),
        ("timezone", EventDraft(name: "x", description: nil, startTime: start, endTime: nil, timezone: "Mars/Olympus", location: .init(url: "https://a.example"))),
        ("name", EventDraft(name: "  ", description: nil, startTime: start, endTime: nil, timezone: "UTC", location: .init(url: "https://a.example"))),
        ("location.country", EventDraft(name: "x", description: nil, startTime: start, endTime: nil, timezone: "UTC", location: .init(locality: "Paris", country: "France"))),
        ("location.url", EventDraft(name: "x", description: nil, startTime: start, endTime: nil, timezone: "UTC", location: .init(url: "javascript:alert(1)"))),
        ("location", EventDraft(name: "x", description: nil, startTime: start, endTime: nil, timezone: "UTC", location: .init())),
        ("description", EventDraft(name: "x", description: String(repeating: "d", count: 10_001), startTime: start, endTime: nil, timezone: "UTC", location: nil)),
        ("name", EventDraft(name: "a" + String(repeating: "\u{301}", count: 200), description: nil, startTime: start, endTime: nil, timezone: "UTC", location: nil)),
    ])
    func refusals(field: String, draft: EventDraft) {
        do {
            try draft.validate()
            Issue.record("accepted an invalid \(field)")
        } catch {
            #expect(error.code == "invalid.\(field)", "\(error)")
        }
    }

    static func hybrid(changing change: (inout EventDraft) -> Void) -> EventDraft {
        var draft = hybrid()
        change(&draft)
        return draft
    }

    @Test("Categories, join mode and registration link are checked, naming the field", arguments: [
        ("category", hybrid { $0.categories = ["PICNIC"] }),
        ("category", hybrid { $0.categories = ["ARTS", "MUSIC", "PARTY", "GAMES"] }),
        ("externalParticipationUrl", hybrid { $0.joinMode = .external }),
        ("externalParticipationUrl", hybrid { $0.externalParticipationUrl = "javascript:alert(1)" }),
        ("externalParticipationUrl", hybrid { $0.externalParticipationUrl = "ftp://files.example/register" }),
    ])
    func termRefusals(field: String, draft: EventDraft) {
        do {
            try draft.validate()
            Issue.record("accepted an invalid \(field)")
        } catch {
            #expect(error.code == "invalid.\(field)", "\(error)")
        }
    }

    @Test("Status, categories and the organizers collection federate; a cancelled event shows as CANCELLED in calendars")
    func statusAndCategories() async throws {
        try await withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])

            var draft = Self.hybrid()
            draft.categories = ["WORKSHOPS_SKILL_SHARING", "SCIENCE_TECH"]
            draft.externalParticipationUrl = "mailto:hackathon@alpha.example"
            let events = EventUseCase(node: home.node)
            let id = try await events.publish(name: "alpha", draft: draft)
            try await network.waitUntilQuiet()
            var received = try JSONParser().parse(try #require(try await follower.database.object(id: id)).document)
            #expect(received["eventStatus"]?.stringValue == "EventScheduled")
            #expect(received["category"]?.arrayValue == ["WORKSHOPS_SKILL_SHARING", "SCIENCE_TECH"])
            #expect(received["organizers"]?["orderedItems"]?.arrayValue == [.string(alpha.id)])
            #expect(received["externalParticipationUrl"]?.stringValue == "mailto:hackathon@alpha.example")

            draft.status = .cancelled
            try await events.update(name: "alpha", objectID: id, draft: draft)
            try await network.waitUntilQuiet()
            received = try JSONParser().parse(try #require(try await follower.database.object(id: id)).document)
            #expect(received["eventStatus"]?.stringValue == "EventCancelled")

            let feed = try await HTTPTestClient.send(.GET, "\(home.base)/actors/alpha/events.ics")
            let parsed = try await Self.parseWithPythonICalendar(feed.body)
            let vevent = try #require(parsed["events"]?.arrayValue?.first)
            #expect(vevent["status"]?.stringValue == "CANCELLED")
            #expect(vevent["categories"]?.arrayValue == ["WORKSHOPS_SKILL_SHARING", "SCIENCE_TECH"])
        }
    }

    @Test("A hybrid event reaches a follower's node with its place and online location, proof verified")
    func federation() async throws {
        try await withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])

            let id = try await EventUseCase(node: home.node).publish(name: "alpha", draft: Self.hybrid())
            try await network.waitUntilQuiet()

            let stored = try #require(try await follower.database.object(id: id))
            #expect(stored.type == "Event")
            #expect(stored.proofVerificationMethod == "\(alpha.id)#ed25519-key")
            let event = try JSONParser().parse(stored.document)
            #expect(event["startTime"]?.stringValue == "2026-12-01T17:00:00.000Z")
            #expect(event["timezone"]?.stringValue == "Europe/Berlin")
            let locations = event["location"]?.arrayValue ?? []
            #expect(locations.first?["type"]?.stringValue == "Place")
            #expect(locations.first?["address"]?["addressLocality"]?.stringValue == "Berlin")
            #expect(locations.last?["type"]?.stringValue == "VirtualLocation")

            try await EventUseCase(node: home.node).delete(name: "alpha", objectID: id)
            try await network.waitUntilQuiet()
            #expect(try await follower.database.object(id: id) == nil)
        }
    }

    @Test("The calendar feed is valid iCalendar for Python's icalendar, with time zones, escaping and deletions")
    func calendarFeed() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            let events = EventUseCase(node: node.node)
            let kept = try await events.publish(name: "alpha", draft: Self.hybrid())
            let online = EventDraft(
                name: "Webinar: strategy guide for campaigners — Ünïcödé and a long title that needs folding at seventy-five octets",
                description: nil, startTime: Self.start.addingTimeInterval(86_400 * 200), endTime: nil, timezone: "America/New_York",
                location: .init(url: "https://meet.example/webinar"))
            try await events.publish(name: "alpha", draft: online)
            let cancelled = try await events.publish(name: "alpha", draft: Self.hybrid("Cancelled meetup"))
            try await events.delete(name: "alpha", objectID: cancelled)

            let response = try await HTTPTestClient.send(.GET, "\(node.base)/actors/alpha/events.ics")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/calendar") == true)
            #expect(response.text.contains("\r\n"))
            #expect(response.text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })

            let parsed = try await Self.parseWithPythonICalendar(response.body)
            let vevents = try #require(parsed["events"]?.arrayValue)
            #expect(vevents.count == 2)
            let hackathon = try #require(vevents.first { $0["uid"]?.stringValue == kept })
            #expect(hackathon["summary"]?.stringValue == "Hackathon: open data for local democracy")
            #expect(hackathon["dtstart"]?.stringValue == "2026-12-01T18:00:00+01:00")
            #expect(hackathon["tzid"]?.stringValue == "Europe/Berlin")
            #expect(hackathon["description"]?.stringValue == "Bring a laptop; bring questions, commas; and semicolons.")
            #expect(hackathon["location"]?.stringValue == "Haus der Demokratie, Greifswalder Straße 4, 10405 Berlin, DE, https://meet.example/hackathon")
            #expect(hackathon["status"]?.stringValue == "CONFIRMED")
            #expect(hackathon["url"]?.stringValue == kept)
            #expect(vevents.contains { $0["summary"]?.stringValue?.hasPrefix("Webinar: strategy guide for campaigners — Ünïcödé") == true })
            #expect(Set(parsed["timezones"]?.arrayValue?.compactMap(\.stringValue) ?? []) == ["America/New_York", "Europe/Berlin"])

            let page = try await HTTPTestClient.send(.GET, "\(node.base)/actors/alpha", headers: [("Accept", "text/html")])
            #expect(page.text.contains("webcal://127.0.0.1:\(node.configuration.port)/actors/alpha/events.ics"))
        }
    }

    @Test("Calendar text escaping reads Unicode scalars: a combining mark cannot carry a line break through")
    func calendarEscaping() {
        let feed = CalendarFeed.escape("a\n\u{333}END:VEVENT\r\n\u{301};,\\")
        #expect(!feed.unicodeScalars.contains("\n") && !feed.unicodeScalars.contains("\r"))
        #expect(feed == "a\\n\u{333}END:VEVENT\\n\u{301}\\;\\,\\\\")
    }

    /// Parses the feed with the `icalendar` package (PyPI, installed by Scripts/test) and
    /// returns what it read.
    static func parseWithPythonICalendar(_ feed: Data) async throws -> JSONValue {
        let script = """
            import icalendar, json, sys
            cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
            events = []
            for e in cal.walk("VEVENT"):
                start = e.decoded("DTSTART")
                events.append({"uid": str(e["UID"]), "summary": str(e["SUMMARY"]), "dtstart": start.isoformat(),
                               "tzid": e["DTSTART"].params.get("TZID"), "description": str(e.get("DESCRIPTION", "")),
                               "location": str(e.get("LOCATION", "")), "status": str(e["STATUS"]), "url": str(e["URL"]),
                               "dtstamp": e.decoded("DTSTAMP").isoformat(),
                               "categories": [str(c) for p in ([e["CATEGORIES"]] if "CATEGORIES" in e and not isinstance(e["CATEGORIES"], list) else e.get("CATEGORIES", [])) for c in p.cats]})
            print(json.dumps({"events": events, "timezones": [str(t["TZID"]) for t in cal.walk("VTIMEZONE")]}))
            """
        let result = try await runProcess("/usr/bin/env", ["python3", "-c", script], input: feed)
        guard result.status == 0 else { throw UnexpectedStatus(status: Int(result.status), body: result.errorText) }
        return try JSONParser().parse(result.output)
    }
}
