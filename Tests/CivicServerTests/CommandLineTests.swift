import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("The civichub command line", .liveNodes)
struct CommandLineTests {
    @Test("init prints a token once; org create and org list work on the data directory")
    func organizations() async throws {
        let data = temporaryDirectory()
        let first = try await NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        #expect(first.contains("Admin API token"))
        let second = try await NodeProcess.run(["init", "--data", data])
        #expect(!second.contains("chub_"))
        #expect(try await NodeProcess.run(["init", "--data", data, "--new-token"]).contains("chub_"))
        #expect(try await NodeProcess.run(["org", "create", "alpha", "--display-name", "Alpha", "--data", data]).contains("https://hub.example/actors/alpha"))
        #expect(try await NodeProcess.run(["org", "list", "--data", data]).contains("alpha@hub.example"))
        #expect(try await NodeProcess.run(["queue", "status", "--data", data]).contains("deliveries: empty"))
    }

    @Test("post event, report and funding publish from flags and from ActivityStreams-shaped JSON files")
    func posting() async throws {
        let data = temporaryDirectory()
        try await NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        try await NodeProcess.run(["org", "create", "alpha", "--data", data])
        let event = data + "/event.json"
        try #"""
            {"name": "Campaign lab", "content": "Bring your campaign.", "startTime": "2030-12-01T18:00:00+01:00",
             "endTime": "2030-12-01T21:00:00+01:00", "timezone": "Europe/Berlin",
             "location": [{"type": "Place", "name": "Haus der Demokratie", "address": {"type": "PostalAddress", "addressLocality": "Berlin", "addressCountry": "DE"}},
                          {"type": "VirtualLocation", "url": "https://meet.example/lab"}]}
            """#.write(toFile: event, atomically: true, encoding: .utf8)
        #expect(try await NodeProcess.run(["post", "event", "--org", "alpha", "--file", event, "--data", data]).hasPrefix("https://hub.example/objects/"))
        let report = data + "/report.json"
        try #"{"name": "What we learned", "content": "Three lessons.", "language": "de", "fieldsOfWork": ["youth"]}"#
            .write(toFile: report, atomically: true, encoding: .utf8)
        #expect(try await NodeProcess.run(["post", "report", "--org", "alpha", "--file", report, "--data", data]).hasPrefix("https://hub.example/objects/"))
        let funding = try await NodeProcess.run([
            "post", "funding", "--org", "alpha", "--title", "Microgrants", "--content", "Apply now.", "--field", "civic-tech",
            "--deadline", "2030-01-31T23:59:00Z", "--apply-url", "https://funder.example/apply", "--currency", "EUR", "--max", "5000",
            "--data", data,
        ])
        #expect(funding.hasPrefix("https://hub.example/objects/"))
    }

    @Test("post event and report read YAML files with the same field names; the event carries what the file says")
    func postingYAML() async throws {
        let data = temporaryDirectory()
        try await NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        try await NodeProcess.run(["org", "create", "alpha", "--data", data])
        let event = data + "/event.yaml"
        try """
            # An event as an organiser would write it by hand.
            name: "Strategy workshop: winning local campaigns"
            content: |
              Bring your campaign plan.

              We work in small groups.
            startTime: 2030-12-01T18:00:00+01:00
            endTime: 2030-12-01T21:00:00+01:00
            timezone: Europe/Berlin
            maximumAttendeeCapacity: 25
            joinMode: restricted
            eventStatus: EventTentative
            category: WORKSHOPS_SKILL_SHARING
            fieldsOfWork: [democracy-participation, civic-tech]
            location:
              - type: Place
                name: Haus der Demokratie
                address: {type: PostalAddress, postalCode: 0150, addressLocality: Oslo, addressCountry: NO}
              - type: VirtualLocation
                url: https://meet.example/workshop
            """.write(toFile: event, atomically: true, encoding: .utf8)
        let id = try await NodeProcess.run(["post", "event", "--org", "alpha", "--file", event, "--data", data])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("https://hub.example/objects/"))
        let database = try AppDatabase.open(path: (data as NSString).appendingPathComponent("civichub.sqlite"))
        let document = try JSONParser().parse(try #require(try await database.object(id: id)).document)
        #expect(document["name"]?.stringValue == "Strategy workshop: winning local campaigns")
        #expect(document["content"]?.stringValue == "<p>Bring your campaign plan.</p><p>We work in small groups.</p>")
        #expect(document["startTime"]?.stringValue == "2030-12-01T17:00:00.000Z")
        #expect(document["maximumAttendeeCapacity"]?.numberValue == 25)
        #expect(document["joinMode"]?.stringValue == "restricted")
        #expect(document["eventStatus"]?.stringValue == "EventTentative")
        #expect(document["category"]?.stringValue == "WORKSHOPS_SKILL_SHARING")
        #expect(document["fieldOfWork"]?.arrayValue?.count == 2)
        #expect(document["location"]?.arrayValue?.last?["url"]?.stringValue == "https://meet.example/workshop")
        // Plain scalars stay text: a postal code keeps its leading zero, NO is Norway, not "false".
        let address = document["location"]?.arrayValue?.first?["address"]
        #expect(address?["postalCode"]?.stringValue == "0150")
        #expect(address?["addressCountry"]?.stringValue == "NO")

        let report = data + "/report.yml"
        try """
            language: de
            nameMap: {de: Was wir gelernt haben, en: What we learned}
            contentMap:
              de: Drei Lehren.
              en: Three lessons.
            fieldsOfWork:
              - youth
            """.write(toFile: report, atomically: true, encoding: .utf8)
        let reportID = try await NodeProcess.run(["post", "report", "--org", "alpha", "--file", report, "--data", data])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let article = try JSONParser().parse(try #require(try await database.object(id: reportID)).document)
        #expect(article["name"]?.stringValue == "Was wir gelernt haben")
        #expect(article["contentMap"]?.objectValue == ["de": "<p>Drei Lehren.</p>", "en": "<p>Three lessons.</p>"])
    }

    @Test("Hostile or wrong YAML files are refused with a message, and nothing is published", arguments: [
        ("[unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must hold an object"),
        ("name: a\nname: b\n", "duplicated key"),
        ("a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n"
            + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e]\n", "values"),
        (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), "nested deeper"),
        ("name: x\nstartTime: tomorrow\ntimezone: UTC\n", "startTime"),
        ("name: x\nstartTime: 2031-02-30T18:00:00Z\ntimezone: UTC\n", "startTime"),
        ("name: x\nstartTime: 99999-01-01T10:00:00Z\ntimezone: UTC\n", "startTime"),
        ("name: x\nstartTime: 2030-01-01T10:00:00Z\ntimezone: UTC\nmaximumAttendeeCapacity: 1e300\n", "maximumAttendeeCapacity"),
        ("name: x\nstartTime: 2030-01-01T10:00:00Z\ntimezone: UTC\nmaximumAttendeeCapacity: many\n", "maximumAttendeeCapacity"),
        ("name: x\nstartTime: 2030-01-01T10:00:00Z\ntimezone: UTC\ncategory: PICNIC\nlocation: {type: VirtualLocation, url: https://a.example}\n", "category"),
        ("name: x\nstartTime: 2030-01-01T10:00:00Z\ntimezone: UTC\njoinMode: external\nlocation: {type: VirtualLocation, url: https://a.example}\n", "externalParticipationUrl"),
    ])
    func yamlRefusals(text: String, message: String) async throws {
        let data = temporaryDirectory()
        try await NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        try await NodeProcess.run(["org", "create", "alpha", "--data", data])
        let file = data + "/event.yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            try await NodeProcess.run(["post", "event", "--org", "alpha", "--file", file, "--data", data])
            Issue.record("accepted \(text.prefix(40))")
        } catch let error as UnexpectedStatus {
            #expect(error.status != 0)
            #expect(error.body.contains(message), "\(error.body)")
        }
        let database = try AppDatabase.open(path: (data as NSString).appendingPathComponent("civichub.sqlite"))
        #expect(try await database.localObjects(types: ["Event"], limit: 10).isEmpty)
    }

    @Test("queue prune deletes finished rows older than --days, or than queue_retention_days without it")
    func prune() async throws {
        let data = temporaryDirectory()
        try await NodeProcess.run(["init", "--data", data])
        let database = try AppDatabase.open(path: data + "/civichub.sqlite")
        for (name, days) in [("ten", 10.0), ("five", 5.0), ("one", 1.0)] { try await database.insertInboxItem(name, daysAgo: days) }
        #expect(try await NodeProcess.run(["queue", "prune", "--data", data]).contains("deleted 1 inbox items and 0 deliveries that finished more than 7 days ago"))
        #expect(try await NodeProcess.run(["queue", "prune", "--days", "3", "--data", data]).contains("deleted 1 inbox items"))
        #expect(try await database.inboxCounts() == ["done": 1])

        let keepAll = data + "/keep-all.conf"
        try "queue_retention_days = 0\n".write(toFile: keepAll, atomically: true, encoding: .utf8)
        let refusal = await #expect(throws: UnexpectedStatus.self) {
            try await NodeProcess.run(["queue", "prune", "--config", keepAll, "--data", data])
        }
        #expect(refusal?.body.contains("give --days N") == true, "\(String(describing: refusal))")
        #expect(try await NodeProcess.run(["queue", "prune", "--config", keepAll, "--days", "0", "--data", data]).contains("deleted 1 inbox items"))
        #expect(try await database.inboxCounts().isEmpty)
    }

    @Test("Bad input exits non-zero with a message naming the problem", arguments: [
        (["org", "create", "Bad Name"], "name"),
        (["serve", "--port", "99999"], "port"),
        (["serve", "--allowed-private-addresses", "10.0.0.0/99"], "allowed_private_addresses"),
        (["serve", "--public-url", "https://other.example"], "public_url"),
        (["follow", "alpha", "not-a-handle"], "not a handle like name@host"),
        (["follow", "ghost", "acct:a@b.example"], "organisation"),
        (["frobnicate"], "Error:"),
        (["post", "event", "--org", "alpha", "--file", "/nonexistent/event.toml"], "only JSON"),
        (["post", "event", "--org", "alpha", "--file", "/nonexistent/event.json"], "cannot read"),
        (["post", "funding", "--org", "alpha", "--title", "t", "--content", "c", "--deadline", "2000-01-01T00:00:00Z", "--apply-url", "https://a.example"], "funding.deadline"),
        (["post", "report", "--org", "alpha", "--title", "t", "--content", "c", "--field", "astrology"], "fieldsOfWork"),
        (["queue", "prune", "--days", "-1"], "--days"), (["queue", "prune", "--days", "3651"], "--days"),
        (["queue", "prune", "--days", "soon"], "--days"),
    ])
    func refusals(arguments: [String], message: String) async throws {
        let data = temporaryDirectory()
        try await NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        try await NodeProcess.run(["org", "create", "alpha", "--data", data])
        do {
            try await NodeProcess.run(arguments + ["--data", data])
            Issue.record("\(arguments) succeeded")
        } catch let error as UnexpectedStatus {
            #expect(error.status != 0)
            #expect(error.body.contains(message), "\(error.body)")
        }
    }
}
