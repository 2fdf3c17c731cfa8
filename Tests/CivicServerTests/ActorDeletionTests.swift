import CivicCrypto
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

/// Account deletions as Mastodon sends them: a `Delete` whose object is the actor itself, signed
/// with the actor's key, sent to every server that knew the account while its documents answer 410.
@Suite("An actor's Delete of itself", .serialized, .liveNodes)
struct ActorDeletionTests {
    /// `body` signed by `actor` (whose key id is `ACTOR#main-key`) for the node's shared inbox.
    static func post(_ body: JSONValue, by actor: String, key: RSAKeyPair, to node: TestNode) async throws -> HTTPTestClient.Response {
        try await SignedPost.make(
            to: "\(node.base)/inbox", body: CanonicalJSON.encode(body), signer: HTTPSignatureSigner(keyId: "\(actor)#main-key", key: key)
        ).send()
    }

    static func deletion(of actor: String) -> JSONValue {
        [
            "@context": .string(AS.context), "id": .string("\(actor)#delete"), "type": "Delete", "actor": .string(actor),
            "object": .string(actor), "to": [.string(AS.publicCollection)],
        ]
    }

    @Test("removes its follows, participations and content, and keeps nothing that answers for it; its key is not fetched again")
    func knownActor() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                let alpha = try await node.organization("alpha")
                let event = try await EventUseCase(node: node.node).publish(name: "alpha", draft: EventTests.hybrid())
                let key = try RSAKeyPair.generate()
                let carol = "\(servers[0].base)/actors/carol"
                servers[0].script("/actors/carol", IdentityTests.person(carol, name: "carol", key: key))
                let activities: [JSONValue] = [
                    ["@context": .string(AS.context), "id": .string("\(carol)/follows/1"), "type": "Follow", "actor": .string(carol), "object": .string(alpha.id)],
                    ["@context": .string(AS.context), "id": .string("\(carol)/joins/1"), "type": "Join", "actor": .string(carol), "object": .string(event)],
                    [
                        "@context": .string(AS.context), "id": .string("\(carol)/notes/1/create"), "type": "Create", "actor": .string(carol),
                        "to": [.string(AS.publicCollection)],
                        "object": ["id": .string("\(carol)/notes/1"), "type": "Note", "attributedTo": .string(carol), "content": "Hello."],
                    ],
                ]
                for activity in activities {
                    #expect(try await Self.post(activity, by: carol, key: key, to: node).status == 202)
                }
                try await network.waitUntilQuiet()
                #expect(try await node.database.follows(of: alpha.id, direction: .followers, limit: 10, offset: 0).ids == [carol])
                #expect(try await node.database.attendees(of: event) == [carol])
                #expect(try await node.database.object(id: "\(carol)/notes/1") != nil)

                // The account is gone at its origin; its server sends the Delete with the old key.
                servers[0].script("/actors/carol", .init(status: .gone))
                let fetchesBefore = servers[0].requests.count
                // Signed with another key, the Delete is refused and removes nothing.
                let forged = try await Self.post(Self.deletion(of: carol), by: carol, key: try RSAKeyPair.generate(), to: node)
                #expect(forged.status == 401, "\(forged.text)")
                #expect(try await node.database.actor(id: carol) != nil)
                let deleted = try await Self.post(Self.deletion(of: carol), by: carol, key: key, to: node)
                #expect(deleted.status == 202, "\(deleted.text)")
                try await network.waitUntilQuiet()
                #expect(servers[0].requests.count == fetchesBefore, "a self-deletion is verified with the key the node knew")
                #expect(try await node.database.actor(id: carol) == nil)
                #expect(try await node.database.follows(of: alpha.id, direction: .followers, limit: 10, offset: 0).total == 0)
                #expect(try await node.database.attendees(of: event).isEmpty)
                #expect(try await node.database.object(id: "\(carol)/notes/1") == nil)

                // Nothing cached answers for the deleted actor: its key is looked up again and is gone.
                let afterwards = try await Self.post(activities[2], by: carol, key: key, to: node)
                #expect(afterwards.status == 401, "\(afterwards.text)")
                #expect(try JSONParser().parse(afterwards.body)["error"]?.stringValue == "signature.keyUnavailable")
            }
        }
    }

    @Test("of an actor this node never knew is answered 202 without a fetch and stores nothing")
    func unknownActor() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                let dave = "\(servers[0].base)/actors/dave"
                servers[0].script("/actors/dave", .init(status: .gone))
                let before = try await node.database.inboxCounts()
                let response = try await Self.post(Self.deletion(of: dave), by: dave, key: try RSAKeyPair.generate(), to: node)
                #expect(response.status == 202, "\(response.text)")
                #expect(servers[0].requests.isEmpty)
                #expect(try await node.database.inboxCounts() == before)
                // Any other activity of an unknown actor still needs its key.
                var note = Self.deletion(of: dave)
                note = .object(note.objectValue!.merging(["id": .string("\(dave)/notes/1#delete"), "object": .string("\(dave)/notes/1")]) { $1 })
                let other = try await Self.post(note, by: dave, key: try RSAKeyPair.generate(), to: node)
                #expect(other.status == 401, "\(other.text)")
                #expect(servers[0].requests == ["/actors/dave"])
            }
        }
    }
}
