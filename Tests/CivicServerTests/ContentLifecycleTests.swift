import CivicCrypto
import CivicModel
import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import GRDB
import Testing

@Suite("Content lifecycle across nodes: Create, Update, Delete, forgeries", .serialized, .liveNodes)
struct ContentLifecycleTests {
    /// Node 1 has alpha; node 2 has beta, which follows alpha; node 3 has gamma.
    static func withFollowedAlpha(_ body: (TestNetwork, ActorProfile) async throws -> Void) async throws {
        try await CivicTesting.withFollowedAlpha(count: 3) { network, alpha in
            try await network.nodes[2].organization("gamma")
            try await body(network, alpha)
        }
    }

    @Test("News is stored on the follower's node with its verified proof, updated, and deleted")
    func lifecycle() async throws {
        try await Self.withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])
            let id = try await NewsUseCase(node: home.node).publish(name: "alpha", text: "First <version>")
            try await network.waitUntilQuiet()
            let received = try #require(try await follower.database.object(id: id))
            #expect(!received.isLocal)
            #expect(received.isPublic)
            #expect(received.attributedTo == alpha.id)
            #expect(received.proofVerificationMethod == "\(alpha.id)#ed25519-key")
            #expect(try JSONParser().parse(received.document)["content"]?.stringValue == "<p>First &lt;version&gt;</p>")

            // The served Note's proof verifies with alpha's published Multikey
            let served = try await HTTPTestClient.getJSON(id)
            let multibase = try #require(alpha.ed25519Multibase)
            try DataIntegrity.verify(served, with: try PublicKeyMaterial.ed25519(multibase: multibase))

            try await NewsUseCase(node: home.node).update(name: "alpha", objectID: id, text: "Second version")
            try await network.waitUntilQuiet()
            let updated = try #require(try await follower.database.object(id: id))
            #expect(try JSONParser().parse(updated.document)["content"]?.stringValue == "<p>Second version</p>")

            // The Create and the Update carry the content; the outbox serves them until the delete.
            let carriers = try await home.database.contentActivities(about: id)
            #expect(Set(carriers.map(\.type)) == ["Create", "Update"])
            for carrier in carriers { #expect(try await HTTPTestClient.getJSON(carrier.id)["type"]?.stringValue == carrier.type) }
            let outbox = "\(alpha.id)/outbox?page=1"
            #expect(try await HTTPTestClient.send(.GET, outbox, headers: [("Accept", AS.activityJSON)]).text.contains("Second version"))

            try await NewsUseCase(node: home.node).delete(name: "alpha", objectID: id)
            try await network.waitUntilQuiet()
            #expect(try await follower.database.object(id: id) == nil)
            let gone = try await HTTPTestClient.send(.GET, id, headers: [("Accept", AS.activityJSON)])
            #expect(gone.status == 410)
            #expect(try JSONParser().parse(gone.body)["type"]?.stringValue == "Tombstone")
            // Deleted content is served nowhere: not at the ids of the activities that carried it,
            // not in the outbox (which shows the Delete instead).
            for carrier in carriers {
                let retired = try await HTTPTestClient.send(.GET, carrier.id, headers: [("Accept", AS.activityJSON)])
                #expect(retired.status == 410, "\(carrier.id)")
                #expect(!retired.text.contains("version"), "\(retired.text)")
                #expect(try JSONParser().parse(retired.body)["formerType"]?.stringValue == carrier.type)
            }
            let page = try await HTTPTestClient.send(.GET, outbox, headers: [("Accept", AS.activityJSON)]).text
            #expect(!page.contains("version"), "\(page)")
            #expect(page.contains("\"Delete\""), "\(page)")
            await #expect(throws: DomainError.self) { try await NewsUseCase(node: home.node).update(name: "alpha", objectID: id, text: "x") }
        }
    }

    @Test("Creates, Updates and Deletes that the worker takes in one batch end as if applied one by one")
    func oneBatch() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let author = "https://remote.example/actors/a", other = "https://remote.example/actors/b"
            let gone = "https://remote.example/actors/gone"
            @Sendable func object(_ name: String, _ content: String, updated: String? = nil, by actor: String = author) -> JSONValue {
                var members: [String: JSONValue] = [
                    "id": .string("https://remote.example/objects/\(name)"), "type": "Note", "attributedTo": .string(actor),
                    "content": .string(content), "published": "2030-01-01T00:00:00Z", "to": [.string(AS.publicCollection)],
                ]
                if let updated { members["updated"] = .string(updated) }
                return .object(members)
            }
            // v, u and h are stored before the batch; the batch repeats the Creates of v and u, then deletes v and updates u.
            for (name, author) in [("v", author), ("u", author), ("h", gone)] {
                try await node.database.writer.write { db in
                    try ObjectRecord(
                        id: "https://remote.example/objects/\(name)", type: "Note", attributedTo: author, isLocal: false, isPublic: true,
                        document: CanonicalJSON.encode(object(name, "\(name)1", by: author)), published: Date(timeIntervalSince1970: 1_893_456_000),
                        updated: nil
                    ).insert(db)
                }
            }
            let activities: [(String, String, JSONValue)] = [
                ("Create", author, object("v", "v1")),
                ("Delete", author, "https://remote.example/objects/v"),
                ("Create", author, object("u", "u1")),
                ("Update", author, object("u", "u2", updated: "2030-01-02T00:00:00Z")),
                ("Create", author, object("x", "x1")),
                ("Update", author, object("x", "x2", updated: "2030-01-02T00:00:00Z")),
                ("Delete", author, "https://remote.example/objects/x"),
                ("Create", author, object("y", "y1")),
                ("Update", author, object("y", "y3", updated: "2030-01-03T00:00:00Z")),
                ("Update", author, object("y", "stale", updated: "2030-01-02T00:00:00Z")),
                ("Create", author, object("z", "z1")),
                ("Delete", other, "https://remote.example/objects/z"),
                ("Update", author, object("w", "w2", updated: "2030-01-02T00:00:00Z")),
                // An actor that deletes itself takes its objects along, stored before or earlier in the batch.
                ("Create", gone, object("g", "g1", by: gone)),
                ("Delete", gone, .string(gone)),
                // What it sent before its Delete was processed, queued behind it, brings nothing back.
                ("Create", gone, object("k", "k1", by: gone)),
                ("Update", gone, ["id": .string(gone), "type": "Person", "inbox": .string("\(gone)/inbox")]),
            ]
            // One transaction: the worker finds all of them pending at once and takes one batch.
            try await node.database.writer.write { db in
                for (index, (type, actor, object)) in activities.enumerated() {
                    let id = "\(actor)/activities/\(index)"
                    let document: JSONValue = ["id": .string(id), "type": .string(type), "actor": .string(actor), "object": object]
                    try InboxItemRecord(activityId: id, actorId: actor, type: type, document: CanonicalJSON.encode(document), receivedAt: Date())
                        .insert(db)
                }
            }
            node.node.inboxWake.signal()
            try await network.waitUntilQuiet()

            func content(_ name: String) async throws -> String? {
                guard let record = try await node.database.object(id: "https://remote.example/objects/\(name)") else { return nil }
                return try JSONParser().parse(record.document)["content"]?.stringValue
            }
            #expect(try await content("v") == nil)
            #expect(try await content("u") == "u2")
            #expect(try await content("x") == nil)
            #expect(try await content("y") == "y3")
            #expect(try await content("z") == "z1")
            #expect(try await content("w") == "w2")
            #expect(try await content("g") == nil)
            #expect(try await content("h") == nil)
            #expect(try await content("k") == nil)
            #expect(try await node.database.actor(id: gone) == nil)
            #expect(try await node.database.inboxCounts() == ["done": activities.count])
        }
    }

    @Test("Forged Updates and Deletes change nothing and are answered 4xx")
    func forgeries() async throws {
        try await Self.withFollowedAlpha { network, alpha in
            let (home, follower, third) = (network.nodes[0], network.nodes[1], network.nodes[2])
            let id = try await NewsUseCase(node: home.node).publish(name: "alpha", text: "Original")
            try await network.waitUntilQuiet()
            let original = try #require(try await follower.database.object(id: id)).document
            let inbox = "\(follower.base)/inbox"
            let gammaID = "\(third.base)/actors/gamma"
            let forgedNote: JSONValue = [
                "id": .string(id), "type": "Note", "attributedTo": .string(alpha.id), "content": "<p>Forged</p>",
                "updated": "2099-01-01T00:00:00Z", "to": [.string(AS.publicCollection)],
            ]

            // gamma (another server) claims to update alpha's note
            let byGamma = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(gammaID)/activities/1"), "type": "Update",
                "actor": .string(gammaID), "object": forgedNote,
            ])
            let gammaPost = try await SignedPost.make(to: inbox, body: byGamma, as: gammaID, of: third)
            #expect(try await gammaPost.send().status == 403)

            // gamma signs a request claiming alpha as the actor
            let claimingAlpha = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(alpha.id)/activities/forged"), "type": "Delete",
                "actor": .string(alpha.id), "object": .string(id),
            ])
            let impersonation = try await SignedPost.make(to: inbox, body: claimingAlpha, as: gammaID, of: third)
            #expect(try await impersonation.send().status == 401)

            // alpha's own key signs the request, but the Note's proof is over other content
            let key = try await home.node.signers.proofKey(for: alpha.id)
            let genuine = try DataIntegrity.sign(forgedNote, keyID: "\(alpha.id)#ed25519-key", key: key, created: "2026-11-26T00:00:00Z")
            guard case .object(var tampered) = genuine else { return }
            tampered["content"] = "<p>Tampered after signing</p>"
            let tamperedUpdate = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(alpha.id)/activities/tampered"), "type": "Update",
                "actor": .string(alpha.id), "object": .object(tampered),
            ])
            let tamperedPost = try await SignedPost.make(to: inbox, body: tamperedUpdate, as: alpha.id, of: home)
            #expect(try await tamperedPost.send().status == 401)

            // a proof by gamma's key on alpha's Update is refused too
            let gammaKey = try await third.node.signers.proofKey(for: gammaID)
            let foreignProof = try DataIntegrity.sign(forgedNote, keyID: "\(gammaID)#ed25519-key", key: gammaKey, created: "2026-11-26T00:00:00Z")
            let foreignUpdate = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(alpha.id)/activities/foreign"), "type": "Update",
                "actor": .string(alpha.id), "object": foreignProof,
            ])
            let foreignPost = try await SignedPost.make(to: inbox, body: foreignUpdate, as: alpha.id, of: home)
            #expect(try await foreignPost.send().status == 403)

            try await network.waitUntilQuiet()
            #expect(try await follower.database.object(id: id)?.document == original)
        }
    }

    @Test("An Update older than the stored version is ignored")
    func staleUpdate() async throws {
        try await Self.withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])
            let id = try await NewsUseCase(node: home.node).publish(name: "alpha", text: "Current")
            try await NewsUseCase(node: home.node).update(name: "alpha", objectID: id, text: "Newer")
            try await network.waitUntilQuiet()
            let stale: JSONValue = [
                "id": .string(id), "type": "Note", "attributedTo": .string(alpha.id), "content": "<p>Stale</p>",
                "updated": "2000-01-01T00:00:00Z", "to": [.string(AS.publicCollection)],
            ]
            let body = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(alpha.id)/activities/stale"), "type": "Update",
                "actor": .string(alpha.id), "object": stale,
            ])
            #expect(try await SignedPost.make(to: "\(follower.base)/inbox", body: body, as: alpha.id, of: home).send().status == 202)
            try await network.waitUntilQuiet()
            let stored = try #require(try await follower.database.object(id: id))
            #expect(try JSONParser().parse(stored.document)["content"]?.stringValue == "<p>Newer</p>")
        }
    }

    @Test("Remote HTML is sanitised before it is stored, with the Create, before the 202")
    func sanitised() async throws {
        try await Self.withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])
            let noteID = "\(home.base)/objects/hostile"
            let body = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(alpha.id)/activities/hostile"), "type": "Create",
                "actor": .string(alpha.id),
                "object": [
                    "id": .string(noteID), "type": "Note", "attributedTo": .string(alpha.id), "to": [.string(AS.publicCollection)],
                    "content": #"<p onclick="x">Hi<script>alert(1)</script> <a href="javascript:alert(1)">link</a></p>"#,
                ],
            ])
            #expect(try await SignedPost.make(to: "\(follower.base)/inbox", body: body, as: alpha.id, of: home).send().status == 202)
            // Nothing else waited for the inbox worker: the note was stored before the 202.
            let stored = try #require(try await follower.database.object(id: noteID))
            #expect(try await follower.database.inboxCounts()["pending"] == nil)
            #expect(try JSONParser().parse(stored.document)["content"]?.stringValue == #"<p>Hi <a rel="nofollow noopener noreferrer">link</a></p>"#)
            #expect(stored.proofVerificationMethod == nil)
        }
    }
}
