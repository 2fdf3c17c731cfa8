import CivicCrypto
import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import GRDB
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

    /// The Delete as Mastodon sends it; with a `proof` as servers that sign objects add one (its
    /// key could only be fetched from the deleted actor's server, which answers 410).
    static func deletion(of actor: String, proof: Bool = false) -> JSONValue {
        var members: [String: JSONValue] = [
            "@context": .string(AS.context), "id": .string("\(actor)#delete"), "type": "Delete", "actor": .string(actor),
            "object": .string(actor), "to": [.string(AS.publicCollection)],
        ]
        if proof {
            members["proof"] = [
                "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": .string("\(actor)#ed25519-key"),
                "proofPurpose": "assertionMethod", "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk",
            ]
        }
        return .object(members)
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
                let deleted = try await Self.post(Self.deletion(of: carol, proof: true), by: carol, key: key, to: node)
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

    @Test("with a key held longer than a day: refused when the actor has a new key since, taken when its documents are gone")
    func staleKey() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                let alpha = try await node.organization("alpha")
                let (carol, dora) = ("\(servers[0].base)/actors/carol", "\(servers[0].base)/actors/dora")
                let (carolKey, doraKey) = (try RSAKeyPair.generate(), try RSAKeyPair.generate())
                servers[0].script("/actors/carol", IdentityTests.person(carol, name: "carol", key: carolKey))
                servers[0].script("/actors/dora", IdentityTests.person(dora, name: "dora", key: doraKey))
                for (actor, key) in [(carol, carolKey), (dora, doraKey)] {
                    let follow: JSONValue = [
                        "@context": .string(AS.context), "id": .string("\(actor)/follows/1"), "type": "Follow", "actor": .string(actor),
                        "object": .string(alpha.id),
                    ]
                    #expect(try await Self.post(follow, by: actor, key: key, to: node).status == 202)
                }
                try await network.waitUntilQuiet()
                // Two days later, after a restart (a node started afresh holds keys only in its database):
                try await node.database.writer.write { db in
                    try db.execute(sql: "UPDATE actor SET fetchedAt = ? WHERE NOT isLocal", arguments: [StoredDate(Date().addingTimeInterval(-2 * 86_400))])
                }
                await node.stop()
                let later = try await TestNode.start(dataDirectory: node.configuration.dataDirectory, port: node.configuration.port)
                // carol has replaced her key: a Delete made with the old one (leaked, say) does not delete her.
                servers[0].script("/actors/carol", IdentityTests.person(carol, name: "carol", key: try RSAKeyPair.generate()))
                let leaked = try await Self.post(Self.deletion(of: carol), by: carol, key: carolKey, to: later)
                #expect(leaked.status == 401, "\(leaked.text)")
                // dora is gone at her origin: the key held decides.
                servers[0].script("/actors/dora", .init(status: .gone))
                let gone = try await Self.post(Self.deletion(of: dora), by: dora, key: doraKey, to: later)
                #expect(gone.status == 202, "\(gone.text)")
                try await waitUntil("dora forgotten") { try await later.database.actor(id: dora) == nil }
                #expect(try await later.database.follows(of: alpha.id, direction: .followers, limit: 10, offset: 0).ids == [carol])
                await later.stop()
            }
        }
    }

    @Test("fails pending deliveries to the actor's own inbox, but not to an inbox other accounts share")
    func deliveries() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                let alpha = try await node.organization("alpha")
                let base = servers[0].base
                var keys: [String: RSAKeyPair] = [:]
                // carol has an inbox of her own; erin and frank share the server's one.
                for (name, inbox) in [("carol", "\(base)/actors/carol/inbox"), ("erin", "\(base)/inbox"), ("frank", "\(base)/inbox")] {
                    let id = "\(base)/actors/\(name)", key = try RSAKeyPair.generate()
                    keys[id] = key
                    servers[0].script("/actors/\(name)", .actor(id, key: key, inbox: inbox))
                    let follow: JSONValue = [
                        "@context": .string(AS.context), "id": .string("\(id)/follows/1"), "type": "Follow", "actor": .string(id), "object": .string(alpha.id),
                    ]
                    #expect(try await Self.post(follow, by: id, key: key, to: node).status == 202)
                }
                try await network.waitUntilQuiet()
                // A delivery to each inbox, due tomorrow.
                for inbox in ["\(base)/actors/carol/inbox", "\(base)/inbox"] {
                    var delivery = DeliveryRecord(activityId: "\(alpha.id)#later", inbox: inbox, host: servers[0].authority, signerId: alpha.id, body: Data("{}".utf8), at: Date())
                    delivery.nextAttemptAt = Date().addingTimeInterval(86_400)
                    try await node.database.writer.write { [delivery] db in try delivery.insert(db) }
                }
                for name in ["carol", "erin"] {
                    let id = "\(base)/actors/\(name)"
                    #expect(try await Self.post(Self.deletion(of: id), by: id, key: keys[id]!, to: node).status == 202)
                }
                // Queued in this order, so carol's is processed once erin's is (the deliveries due tomorrow keep
                // the node from being quiet).
                try await waitUntil("both deletions processed") { try await node.database.actor(id: "\(base)/actors/erin") == nil }
                let states = try await node.database.writer.read { db in
                    try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT inbox, state FROM delivery WHERE activityId LIKE '%#later'").map {
                        ($0["inbox"] as String, $0["state"] as String)
                    })
                }
                #expect(states == ["\(base)/actors/carol/inbox": "failed", "\(base)/inbox": "pending"])
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
