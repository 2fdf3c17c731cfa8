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

    @Test("Bad input exits non-zero with a message naming the problem", arguments: [
        (["org", "create", "Bad Name"], "name"),
        (["serve", "--port", "99999"], "port"),
        (["serve", "--allowed-private-addresses", "10.0.0.0/99"], "allowed_private_addresses"),
        (["serve", "--public-url", "https://other.example"], "public_url"),
        (["follow", "alpha", "not-a-handle"], "organisation"),
        (["frobnicate"], "Error:"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let data = temporaryDirectory()
        try NodeProcess.run(["init", "--data", data, "--public-url", "https://hub.example"])
        do {
            try NodeProcess.run(arguments + ["--data", data])
            Issue.record("\(arguments) succeeded")
        } catch let error as UnexpectedStatus {
            #expect(error.status != 0)
            #expect(error.body.contains(message), "\(error.body)")
        }
    }
}
