import CivicTesting
import Foundation
import Testing

@Suite("The civichub command line")
struct CommandLineTests {
    @Test("init prints a token once; org create and org list work on the data directory")
    func organizations() throws {
        let data = temporaryDirectory()
        let first = try NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        #expect(first.contains("Admin API token"))
        let second = try NodeProcess.run(["init", "--data", data])
        #expect(!second.contains("chub_"))
        #expect(try NodeProcess.run(["init", "--data", data, "--new-token"]).contains("chub_"))
        #expect(try NodeProcess.run(["org", "create", "alpha", "--display-name", "Alpha", "--data", data]).contains("https://hub.example/actors/alpha"))
        #expect(try NodeProcess.run(["org", "list", "--data", data]).contains("alpha@hub.example"))
        #expect(try NodeProcess.run(["queue", "status", "--data", data]).contains("deliveries: empty"))
    }

    @Test("post event, report and funding publish from flags and from ActivityStreams-shaped JSON files")
    func posting() throws {
        let data = temporaryDirectory()
        try NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        try NodeProcess.run(["org", "create", "alpha", "--data", data])
        let event = data + "/event.json"
        try #"""
            {"name": "Campaign lab", "content": "Bring your campaign.", "startTime": "2030-12-01T18:00:00+01:00",
             "endTime": "2030-12-01T21:00:00+01:00", "timezone": "Europe/Berlin",
             "location": [{"type": "Place", "name": "Haus der Demokratie", "address": {"type": "PostalAddress", "addressLocality": "Berlin", "addressCountry": "DE"}},
                          {"type": "VirtualLocation", "url": "https://meet.example/lab"}]}
            """#.write(toFile: event, atomically: true, encoding: .utf8)
        #expect(try NodeProcess.run(["post", "event", "--org", "alpha", "--file", event, "--data", data]).hasPrefix("https://hub.example/objects/"))
        let report = data + "/report.json"
        try #"{"name": "What we learned", "content": "Three lessons.", "language": "de", "fieldsOfWork": ["youth"]}"#
            .write(toFile: report, atomically: true, encoding: .utf8)
        #expect(try NodeProcess.run(["post", "report", "--org", "alpha", "--file", report, "--data", data]).hasPrefix("https://hub.example/objects/"))
        let funding = try NodeProcess.run([
            "post", "funding", "--org", "alpha", "--title", "Microgrants", "--content", "Apply now.", "--field", "civic-tech",
            "--deadline", "2030-01-31T23:59:00Z", "--apply-url", "https://funder.example/apply", "--currency", "EUR", "--max", "5000",
            "--data", data,
        ])
        #expect(funding.hasPrefix("https://hub.example/objects/"))
    }

    @Test("Bad input exits non-zero with a message naming the problem", arguments: [
        (["org", "create", "Bad Name"], "name"),
        (["serve", "--port", "99999"], "port"),
        (["serve", "--allowed-private-addresses", "10.0.0.0/99"], "allowed_private_addresses"),
        (["serve", "--public-url", "https://other.example"], "public_url"),
        (["follow", "alpha", "not-a-handle"], "not a handle like name@host"),
        (["follow", "ghost", "acct:a@b.example"], "organisation"),
        (["frobnicate"], "Error:"),
        (["post", "event", "--org", "alpha", "--file", "/nonexistent/event.yaml"], "only JSON"),
        (["post", "event", "--org", "alpha", "--file", "/nonexistent/event.json"], "cannot read"),
        (["post", "funding", "--org", "alpha", "--title", "t", "--content", "c", "--deadline", "2000-01-01T00:00:00Z", "--apply-url", "https://a.example"], "funding.deadline"),
        (["post", "report", "--org", "alpha", "--title", "t", "--content", "c", "--field", "astrology"], "fieldsOfWork"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let data = temporaryDirectory()
        try NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        try NodeProcess.run(["org", "create", "alpha", "--data", data])
        do {
            try NodeProcess.run(arguments + ["--data", data])
            Issue.record("\(arguments) succeeded")
        } catch let error as UnexpectedStatus {
            #expect(error.status != 0)
            #expect(error.body.contains(message), "\(error.body)")
        }
    }
}
