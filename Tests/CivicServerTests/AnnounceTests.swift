import CivicCrypto
import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Sharing content with Announce", .serialized, .liveNodes)
struct AnnounceTests {
    @Test("A boost reaches the booster's followers, who take the object from its origin")
    func boost() async throws {
        try await withTestNetwork(count: 3) { network in
            let (origin, booster, reader) = (network.nodes[0], network.nodes[1], network.nodes[2])
            let alpha = try await origin.organization("alpha")
            try await booster.organization("beta")
            try await reader.organization("gamma")
            try await FollowUseCase(node: reader.node).follow(from: "gamma", handle: booster.handle("beta"))
            try await network.waitUntilQuiet()

            let note = try await NewsUseCase(node: origin.node).publish(name: "alpha", text: "Strategy guide for campaigners")
            try await AnnounceUseCase(node: booster.node).announce(name: "beta", objectID: note)
            try await network.waitUntilQuiet()

            let stored = try #require(try await reader.database.object(id: note))
            #expect(stored.attributedTo == alpha.id)
            #expect(stored.proofVerificationMethod == "\(alpha.id)#ed25519-key")
            #expect(try JSONParser().parse(stored.document)["content"]?.stringValue == "<p>Strategy guide for campaigners</p>")
        }
    }

    @Test("Only live objects are shared: a local id with nothing behind it is 404, a remote Tombstone is refused")
    func refusals() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("beta")
            do {
                try await AnnounceUseCase(node: node.node).announce(name: "beta", objectID: "\(node.base)/objects/nothing")
                Issue.record("announced an object that does not exist")
            } catch let error as DomainError {
                #expect(error.kind == .notFound, "\(error)")
            }
            let remote = try await ScriptedServer.start()
            remote.script("/objects/gone", .activityJSON("""
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "\(remote.base)/objects/gone", "type": "Tombstone",
                 "formerType": "Note", "to": ["https://www.w3.org/ns/activitystreams#Public"]}
                """))
            await #expect(throws: DomainError.self) {
                try await AnnounceUseCase(node: node.node).announce(name: "beta", objectID: "\(remote.base)/objects/gone")
            }
            #expect(remote.requests == ["/objects/gone"])
            await remote.stop()
        }
    }

    @Test("An Announce embedding a forged copy stores the original from its origin instead")
    func forgedEmbeddedCopy() async throws {
        try await withTestNetwork(count: 3) { network in
            let (origin, forger, reader) = (network.nodes[0], network.nodes[1], network.nodes[2])
            let alpha = try await origin.organization("alpha")
            let mallory = try await forger.organization("mallory")
            try await reader.organization("gamma")
            let note = try await NewsUseCase(node: origin.node).publish(name: "alpha", text: "The real text")
            let genuine = try await HTTPTestClient.getJSON(note)
            guard case .object(var forged) = genuine else { return }
            forged["content"] = "<p>Words alpha never said</p>"
            let announce = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(mallory.id)/activities/forged-boost"), "type": "Announce",
                "actor": .string(mallory.id), "object": .object(forged), "to": [.string(AS.publicCollection)],
            ])
            let post = try await SignedPost.make(to: "\(reader.base)/inbox", body: announce, as: mallory.id, of: forger)
            #expect(try await post.send().status == 202)
            try await network.waitUntilQuiet()

            let stored = try #require(try await reader.database.object(id: note))
            #expect(stored.attributedTo == alpha.id)
            #expect(try JSONParser().parse(stored.document)["content"]?.stringValue == "<p>The real text</p>")
        }
    }
}
