import CivicCrypto
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

/// What Mastodon sends about follows besides Follow and Undo: a Block of an organisation, and the
/// Move of an account that organisations follow to a new one.
@Suite("Blocks and moves of remote accounts", .serialized, .liveNodes)
struct FollowLifecycleTests {
    static func activity(_ type: String, by actor: String, _ members: [String: JSONValue]) -> JSONValue {
        .object(members.merging([
            "@context": .string(AS.context), "id": .string("\(actor)/activities/\(UUID().uuidString)"), "type": .string(type),
            "actor": .string(actor),
        ]) { $1 })
    }

    @Test("A Block of an organisation ends the follows between the two, both ways, and only those")
    func block() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                let alpha = try await node.organization("alpha"), beta = try await node.organization("beta")
                let key = try RSAKeyPair.generate()
                let rita = "\(servers[0].base)/users/rita"
                servers[0].script("/users/rita", ScriptedServer.Answer.actor(rita, key: key))
                for followee in [alpha.id, beta.id] {
                    let follow = Self.activity("Follow", by: rita, ["object": .string(followee)])
                    #expect(try await ActorDeletionTests.post(follow, by: rita, key: key, to: node).status == 202)
                }
                try await FollowUseCase(node: node.node).follow(from: "alpha", handle: rita)
                try await network.waitUntilQuiet()
                #expect(try await node.database.follow(follower: rita, followee: alpha.id) != nil)
                #expect(try await node.database.follow(follower: alpha.id, followee: rita) != nil)

                let block = Self.activity("Block", by: rita, ["object": .string(alpha.id)])
                #expect(try await ActorDeletionTests.post(block, by: rita, key: key, to: node).status == 202)
                try await network.waitUntilQuiet()
                #expect(try await node.database.follow(follower: rita, followee: alpha.id) == nil)
                #expect(try await node.database.follow(follower: alpha.id, followee: rita) == nil)
                #expect(try await node.database.follow(follower: rita, followee: beta.id) != nil, "beta was not blocked")
            }
        }
    }

    @Test("A Move to an account that names the old one moves the organisations' follows; a Move to one that does not changes nothing")
    func move() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                try await node.organization("alpha")
                try await node.organization("beta")
                let (alpha, beta) = ("\(node.base)/actors/alpha", "\(node.base)/actors/beta")
                let key = try RSAKeyPair.generate()
                let (olive, nova, mallory) = ("\(servers[0].base)/users/olive", "\(servers[0].base)/users/nova", "\(servers[0].base)/users/mallory")
                servers[0].script("/users/olive", ScriptedServer.Answer.actor(olive, key: key))
                servers[0].script("/users/nova", ScriptedServer.Answer.actor(nova, key: try RSAKeyPair.generate(), alsoKnownAs: [olive]))
                servers[0].script("/users/mallory", ScriptedServer.Answer.actor(mallory, key: try RSAKeyPair.generate()))
                try await FollowUseCase(node: node.node).follow(from: "alpha", handle: olive)
                try await node.database.acceptFollow(follower: alpha, followee: olive)
                // beta's follow of olive is still waiting for olive's answer: it moves too.
                try await FollowUseCase(node: node.node).follow(from: "beta", handle: olive)

                // A Move of an account no organisation here follows fetches nothing.
                let unfollowedKey = try RSAKeyPair.generate()
                let stranger = "\(servers[0].base)/users/stranger"
                servers[0].script("/users/stranger", ScriptedServer.Answer.actor(stranger, key: unfollowedKey))
                let strangerMove = Self.activity("Move", by: stranger, ["object": .string(stranger), "target": .string("\(servers[0].base)/users/slow")])
                #expect(try await ActorDeletionTests.post(strangerMove, by: stranger, key: unfollowedKey, to: node).status == 202)

                // mallory does not claim to be olive: nothing moves.
                for (target, object) in [(mallory, olive), (nova, nova)] {
                    let refused = Self.activity("Move", by: olive, ["object": .string(object), "target": .string(target)])
                    #expect(try await ActorDeletionTests.post(refused, by: olive, key: key, to: node).status == 202)
                }
                try await network.waitUntilQuiet()
                #expect(try await node.database.follow(follower: alpha, followee: olive)?.state == "accepted")
                #expect(try await node.database.follow(follower: alpha, followee: mallory) == nil)
                #expect(try await node.database.follow(follower: alpha, followee: nova) == nil)

                let move = Self.activity("Move", by: olive, ["object": .string(olive), "target": .string(nova)])
                #expect(try await ActorDeletionTests.post(move, by: olive, key: key, to: node).status == 202)
                try await network.waitUntilQuiet()
                #expect(!servers[0].requests.contains("/users/slow"))
                #expect(try await node.database.follow(follower: alpha, followee: olive) == nil)
                #expect(try await node.database.follow(follower: alpha, followee: nova)?.state == "pending")
                #expect(try await node.database.follow(follower: beta, followee: olive) == nil)
                #expect(try await node.database.follow(follower: beta, followee: nova)?.state == "pending")
            }
        }
    }
}
