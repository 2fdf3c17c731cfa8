import CivicFederation
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Events from Mobilizon- and Gancio-shaped documents", .serialized)
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

    @Test("Both shapes are accepted, stored with their dates, place and address, and sanitised", arguments: [
        ("mobilizon.example/event.json", "mobilizon.example", "2030-03-14T17:30:00Z"),
        ("gancio.example/event.json", "gancio.example", "2030-03-14T17:00:00Z"),
    ])
    func receive(path: String, host: String, utcStart: String) async throws {
        try await withTestNetwork(count: 2) { network in
            let (sender, receiver) = (network.nodes[0], network.nodes[1])
            let alpha = try await sender.organization("alpha")
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
        }
    }
}

