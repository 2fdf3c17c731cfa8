import CivicFederation
import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Events from Mobilizon- and Gancio-shaped documents", .serialized, .liveNodes)
struct RemoteEventFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Federation/fixtures")

    /// The fixture with its host and author replaced by a live node's organisation.
    static func fixture(_ path: String, host: String, author: String, on node: TestNode) throws -> JSONValue {
        var text = try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)
        text = text.replacingOccurrences(of: "https://\(host)/@collectif_quartier", with: author)
            .replacingOccurrences(of: "https://\(host)/federation/u/relay", with: author)
            .replacingOccurrences(of: "https://\(host)", with: node.base)
        return try JSONParser().parse(text)
    }

    @Test("Both shapes are accepted, stored with their dates, place and address, sanitised, and shown in discovery", arguments: [
        ("mobilizon.example/event.json", "mobilizon.example", "2030-03-14T17:30:00Z", "Maison des associations, 12 rue de la République, 69001 Lyon, France"),
        ("gancio.example/event.json", "gancio.example", "2030-03-14T17:00:00Z", "Piazza Maggiore, Piazza Maggiore, 40121 Bologna BO"),
    ])
    func receive(path: String, host: String, utcStart: String, place: String) async throws {
        try await withTestNetwork(count: 2) { network in
            let (sender, receiver) = (network.nodes[0], network.nodes[1])
            let alpha = try await sender.organization("alpha")
            try await receiver.organization("beta")
            try await FollowUseCase(node: receiver.node).follow(from: "beta", handle: sender.handle("alpha"))
            try await network.waitUntilQuiet()
            let event = try Self.fixture(path, host: host, author: alpha.id, on: sender)
            let eventID = try #require(event["id"]?.stringValue)
            let create = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(alpha.id)/activities/\(host)"), "type": "Create",
                "actor": .string(alpha.id), "object": event, "to": [.string(AS.publicCollection)],
            ])
            let post = try await SignedPost.make(to: "\(receiver.base)/inbox", body: create, as: alpha.id, of: sender)
            #expect(try await post.send().status == 202)
            try await network.waitUntilQuiet()

            let stored = try #require(try await receiver.database.object(id: eventID))
            #expect(stored.type == "Event")
            #expect(stored.isPublic)
            let document = try JSONParser().parse(stored.document)
            #expect(document["startTime"]?.stringValue.flatMap(Timestamp.date) == Timestamp.date(utcStart))
            #expect(document["location"]?["name"]?.stringValue != nil)
            let content = try #require(document["content"]?.stringValue)
            #expect(!content.contains("onerror") && !content.contains("javascript:") && !content.contains("<img"))
            #expect(content.hasPrefix("<p>"))

            // Shown: on the discovery page and in the discovery calendar, not in the node's own feed.
            let name = try #require(event["name"]?.stringValue)
            let page = try await HTTPTestClient.send(.GET, "\(receiver.base)/discover", headers: [("Accept", "text/html")])
            #expect(page.status == 200)
            #expect(page.text.contains(PlainText.escape(name)))
            #expect(page.text.contains("by Alpha") || page.text.contains("by alpha@"))
            let calendar = try await EventTests.parseWithPythonICalendar(try await HTTPTestClient.send(.GET, "\(receiver.base)/feeds/discover/events.ics").body)
            let vevent = try #require(calendar["events"]?.arrayValue?.first { $0["uid"]?.stringValue == eventID })
            #expect(vevent["summary"]?.stringValue == name)
            #expect(vevent["location"]?.stringValue?.hasPrefix(place) == true)
            let start = try #require(vevent["dtstart"]?.stringValue)
            #expect(ISO8601DateFormatter().date(from: start) == Timestamp.date(utcStart))
            let own = try await HTTPTestClient.send(.GET, "\(receiver.base)/feeds/events.ics")
            #expect(!own.text.contains(eventID))
        }
    }

    @Test("Discovery lists only followed authors' public, upcoming events, soonest first, escapes their text and links only http(s)")
    func discoveryRefusesWhatItShouldNotShow() async throws {
        try await withTestNetwork(count: 2) { network in
            let (sender, receiver) = (network.nodes[0], network.nodes[1])
            let alpha = try await sender.organization("alpha")
            let stranger = try await sender.organization("stranger")
            try await receiver.organization("beta")
            try await FollowUseCase(node: receiver.node).follow(from: "beta", handle: sender.handle("alpha"))
            try await network.waitUntilQuiet()

            func send(
                _ suffix: String, by author: ActorProfile, type: String = "Event", name: String, url: String,
                start: String = "2030-05-01T10:00:00Z", to: [String] = [AS.publicCollection], cc: [String] = [],
                extra: [String: JSONValue] = [:]
            ) async throws {
                var object: [String: JSONValue] = [
                    "id": .string("\(sender.base)/objects/\(suffix)"), "type": .string(type), "attributedTo": .string(author.id),
                    "name": .string(name), "url": .string(url), "startTime": .string(start), "content": "<p>text</p>",
                    "to": .array(to.map(JSONValue.string)), "cc": .array(cc.map(JSONValue.string)),
                ]
                object.merge(extra) { _, new in new }
                let create = CanonicalJSON.encode([
                    "@context": .string(AS.context), "id": .string("\(author.id)/activities/\(suffix)"), "type": "Create",
                    "actor": .string(author.id), "object": .object(object), "to": .array(to.map(JSONValue.string)),
                ])
                let post = try await SignedPost.make(to: "\(receiver.base)/inbox", body: create, as: author.id, of: sender)
                #expect(try await post.send().status == 202)
            }
            let climate = try #require(FieldOfWork.named("climate"))
            try await send("later", by: alpha, name: "Later assembly", url: "https://a.example/later", start: "2031-01-01T10:00:00Z")
            try await send("hostile", by: alpha, name: "<script>alert(1)</script>Teach-in", url: "javascript:alert(2)")
            try await send("sooner", by: alpha, name: "Sooner climate camp", url: "https://a.example/sooner", start: "2030-04-01T10:00:00Z",
                           extra: ["fieldOfWork": [.string(climate.iri)], "ical:status": "CANCELLED"])
            try await send("past", by: alpha, name: "Past meetup", url: "https://a.example/past", start: "2020-01-01T10:00:00Z")
            try await send("quiet", by: alpha, name: "Unlisted meetup", url: "https://a.example/quiet", to: [], cc: [AS.publicCollection])
            try await send("spam", by: stranger, name: "Unfollowed spam", url: "https://a.example/spam")
            try await send("note", by: alpha, type: "Note", name: "Field notes", url: "javascript:alert(3)")
            try await send("controls", by: alpha, name: "Ctl\u{1}\u{1b}[31m\u{7f}\u{85}\u{0} camp\tday", url: "https://a.example/ctl")
            try await network.waitUntilQuiet()

            let page = try await HTTPTestClient.send(.GET, "\(receiver.base)/discover", headers: [("Accept", "text/html")]).text
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;Teach-in"))
            #expect(!page.contains("<script>"))
            #expect(!page.contains("javascript:"))
            #expect(page.contains("href=\"\(sender.base)/objects/hostile\""))
            #expect(!page.contains("Unlisted meetup") && !page.contains("Unfollowed spam") && !page.contains("Past meetup"))
            let sooner = try #require(page.range(of: "Sooner climate camp")), later = try #require(page.range(of: "Later assembly"))
            #expect(sooner.lowerBound < later.lowerBound)
            #expect(page.contains("Sooner climate camp</a> — 2030-04-01 10:00 (UTC) <strong>cancelled</strong>"))
            #expect(page.contains("Field notes"))

            // Control characters from other servers reach no page or feed (RFC 5545 forbids them in
            // text, HTML and XML call them errors); tabs stay.
            #expect(page.contains("Ctl[31m camp\tday"), "\(page)")
            let controls: (Unicode.Scalar) -> Bool = { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || (0x7F...0x9F).contains($0.value) }
            #expect(!page.unicodeScalars.contains(where: controls))

            let fieldPage = try await HTTPTestClient.send(.GET, "\(receiver.base)/discover?field=climate", headers: [("Accept", "text/html")]).text
            #expect(fieldPage.contains("Sooner climate camp") && !fieldPage.contains("Later assembly"))
            let anyField = try await HTTPTestClient.send(.GET, "\(receiver.base)/discover?field=", headers: [("Accept", "text/html")])
            #expect(anyField.status == 200 && anyField.text.contains("Later assembly"))

            let calendar = try await EventTests.parseWithPythonICalendar(try await HTTPTestClient.send(.GET, "\(receiver.base)/feeds/discover/events.ics").body)
            let events = try #require(calendar["events"]?.arrayValue)
            #expect(events.first { $0["summary"]?.stringValue == "Sooner climate camp" }?["status"]?.stringValue == "CANCELLED")
            #expect(events.contains { $0["summary"]?.stringValue?.hasSuffix("Teach-in") == true })
            #expect(events.contains { $0["summary"]?.stringValue == "Ctl[31m camp\tday" })
            let ics = try await HTTPTestClient.send(.GET, "\(receiver.base)/feeds/discover/events.ics").text
            #expect(!ics.unicodeScalars.contains(where: controls))
            #expect(!events.contains { $0["summary"]?.stringValue == "Unfollowed spam" })
            #expect(!events.contains { $0["url"]?.stringValue?.hasPrefix("javascript") == true })
            let atom = try await HTTPTestClient.send(.GET, "\(receiver.base)/feeds/discover/news.atom").text
            #expect(atom.contains("<link rel=\"alternate\" href=\"\(sender.base)/objects/note\"/>"))
            #expect(!atom.contains("javascript:"))
            #expect(!atom.unicodeScalars.contains(where: controls))
            #expect(try await HTTPTestClient.send(.GET, "\(receiver.base)/feeds/discover/fields/astrology/events.ics").status == 404)
        }
    }
}
