import CivicFederation
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import NIOHTTP1
import Testing

@Suite("Blocked domains and actors: nothing taken, fetched or sent", .serialized, .liveNodes)
struct BlockTests {
    static func api(_ method: HTTPMethod, _ node: TestNode, _ body: JSONValue? = nil) async throws -> HTTPTestClient.Response {
        try await HTTPTestClient.send(
            method, "\(node.base)/api/v1/blocks",
            headers: [("Authorization", "Bearer \(node.adminToken)"), ("Content-Type", "application/json")],
            body: body.map(CanonicalJSON.encode))
    }

    @Test("A domain block matches the host on any port and its subdomains; host:port only that authority; an actor block only that actor")
    func matching() {
        let list = BlockList()
        list.replace(domains: ["evil.example", "127.0.0.1:4000"], actors: ["https://social.example/users/troll"])
        for blocked in [
            "https://evil.example/users/a", "https://EVIL.example:8443/x", "https://a.b.evil.example/notes/1",
            "http://127.0.0.1:4000/actors/x", "https://social.example/users/troll", "https://social.example/users/troll#main-key",
        ] {
            #expect(list.blocks(blocked), "\(blocked)")
        }
        for allowed in [
            "https://notevil.example/users/a", "https://evil.example.org/x", "http://127.0.0.1:4001/actors/x",
            "https://social.example/users/trollish", "not an iri",
        ] {
            #expect(!list.blocks(allowed), "\(allowed)")
        }
        #expect(BlockList.domain(" Evil.Example ") == "evil.example")
        #expect(BlockList.domain("evil.example:8443") == "evil.example:8443")
        for bad in ["", "evil.example/", "https://evil.example", "user@evil.example", "evil.example.", "evil example", "evil.example:99999"] {
            #expect(BlockList.domain(bad) == nil, "\(bad)")
        }
    }

    @Test("An IPv6 address is blocked in any of its spellings, on every port or on one, and no other address with it")
    func ipv6Matching() {
        #expect(BlockList.domain("[2001:DB8:0:0::1]") == "[2001:db8::1]")
        #expect(BlockList.domain("[2001:db8::1]:8443") == "[2001:db8::1]:8443")
        for bad in ["2001:db8::1", "[2001:db8::1]:443", "[2001:db8::1]/x", "[fe80::1%eth0]", "[v1.x]", "[::ffff:1.2.3.4]", "[2001:db8::1"] {
            #expect(BlockList.domain(bad) == nil, "\(bad)")
        }
        let list = BlockList(domains: [BlockList.domain("[2001:0db8::0001]")!])
        for blocked in ["https://[2001:db8::1]/users/a", "https://[2001:DB8:0::1]:8443/x"] {
            #expect(list.blocks(blocked), "\(blocked)")
        }
        for allowed in ["https://[2001:db8::2]/users/a", "https://[2001:db8::1:8443]/x", "https://2001.db8.example/"] {
            #expect(!list.blocks(allowed), "\(allowed)")
        }
        let onePort = BlockList(domains: ["[2001:db8::1]:8443"])
        #expect(onePort.blocks("https://[2001:db8::1]:8443/u"))
        #expect(!onePort.blocks("https://[2001:db8::1]/u"))
    }

    @Test("Blocking a domain removes what came from it, refuses its requests before any key fetch, and drops its content announced by others")
    func domainBlock() async throws {
        try await withFollowedAlpha(count: 3) { network, alpha in
            let (first, second, third) = (network.nodes[0], network.nodes[1], network.nodes[2])
            let gamma = try await third.organization("gamma")
            try await FollowUseCase(node: third.node).follow(from: "gamma", handle: second.handle("beta"))
            try await network.waitUntilQuiet()

            // Before the block, alpha's share of gamma's news reaches beta's node.
            let before = try await NewsUseCase(node: third.node).publish(name: "gamma", text: "Before the block.")
            try await AnnounceUseCase(node: first.node).announce(name: "alpha", objectID: before)
            try await network.waitUntilQuiet()
            #expect(try await second.database.object(id: before) != nil)

            let added = try await Self.api(.POST, second, ["domain": .string(third.node.uris.authority), "reason": "Spam"])
            #expect(added.status == 201, "\(added.text)")
            let outcome = try JSONParser().parse(added.body)
            #expect(outcome["removed"]?["actors"]?.numberValue == 1)
            #expect(outcome["removed"]?["objects"]?.numberValue == 1)
            #expect(try await second.database.object(id: before) == nil)
            #expect(try await second.database.actor(id: gamma.id) == nil)
            #expect(try await second.database.follow(follower: gamma.id, followee: "\(second.base)/actors/beta") == nil)

            // After: shared content by a blocked author is not taken, …
            let after = try await NewsUseCase(node: third.node).publish(name: "gamma", text: "After the block.")
            try await AnnounceUseCase(node: first.node).announce(name: "alpha", objectID: after)
            try await network.waitUntilQuiet()
            #expect(try await second.database.object(id: after) == nil)
            // … its requests are refused with 403 and nothing stored, …
            let inboxBefore = try await second.database.inboxCounts()
            let body = InboxRefusalTests.activity(from: gamma.id)
            let refused = try await SignedPost.make(to: "\(second.base)/inbox", body: body, as: gamma.id, of: third).send()
            #expect(refused.status == 403, "\(refused.text)")
            #expect(try JSONParser().parse(refused.body)["error"]?.stringValue == "federation.blocked")
            #expect(try await second.database.inboxCounts() == inboxBefore)
            // … and nothing is fetched from it (a follow is refused with a 4xx).
            await OutboundFetchTests.expectFailure("federation.blocked") { _ = try await second.node.resolver.actor(id: gamma.id) }
            let follow = try await HTTPTestClient.send(
                .POST, "\(second.base)/api/v1/organizations/beta/follows",
                headers: [("Authorization", "Bearer \(second.adminToken)"), ("Content-Type", "application/json")],
                body: CanonicalJSON.encode(["handle": .string(third.handle("gamma"))]))
            #expect((400..<500).contains(follow.status), "\(follow.text)")
            #expect(follow.text.contains("does not federate with"))

            let listed = try JSONParser().parse(try await Self.api(.GET, second).body)
            #expect(listed.arrayValue?.first?["value"]?.stringValue == third.node.uris.authority)
            #expect(listed.arrayValue?.first?["reason"]?.stringValue == "Spam")

            // Lifted: gamma's requests are taken again.
            #expect(try await Self.api(.DELETE, second, ["domain": .string(third.node.uris.authority)]).status == 204)
            let again = try await SignedPost.make(to: "\(second.base)/inbox", body: body, as: gamma.id, of: third).send()
            #expect(again.status == 202, "\(again.text)")
        }
    }

    @Test("Blocking one actor removes its follow and refuses its requests; the rest of its server is unaffected")
    func actorBlock() async throws {
        try await withFollowedAlpha(count: 2) { network, alpha in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = "\(second.base)/actors/beta"
            try await second.organization("delta")
            try await FollowUseCase(node: second.node).follow(from: "delta", handle: first.handle("alpha"))
            try await network.waitUntilQuiet()

            #expect(try await Self.api(.POST, first, ["actor": .string(beta)]).status == 201)
            #expect(try await first.database.follow(follower: beta, followee: alpha.id) == nil)
            let news = try await NewsUseCase(node: first.node).publish(name: "alpha", text: "Only for delta.")
            try await network.waitUntilQuiet()
            // Delta (not blocked) got it through the shared inbox; beta's follow is gone.
            #expect(try await second.database.object(id: news) != nil)
            let refused = try await SignedPost.make(to: "\(first.base)/inbox", body: InboxRefusalTests.activity(from: beta), as: beta, of: second).send()
            #expect(refused.status == 403)
            let delta = try await SignedPost.make(
                to: "\(first.base)/inbox", body: InboxRefusalTests.activity(from: "\(second.base)/actors/delta"), as: "\(second.base)/actors/delta", of: second
            ).send()
            #expect(delta.status == 202)
        }
    }

    @Test("Blocks are validated: one of domain or actor, a real host name, not this node on any port, not a local actor; unknown blocks are 404")
    func validation() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            let refusals: [JSONValue] = [
                [:], ["domain": "a.example", "actor": "https://a.example/u"], ["domain": "not a host/"], ["domain": "https://a.example"],
                ["domain": .string(node.node.uris.authority)], ["actor": .string("\(node.base)/actors/alpha")], ["actor": "javascript:alert(1)"],
                ["domain": "a.example", "reason": .string(String(repeating: "x", count: 501))], ["domain": 42],
                ["domain": "*"], ["domain": "_"], ["domain": "a..b"], ["domain": "1.2.3.4.5"], ["domain": "256.1.1.1"], ["domain": "-a.example"],
                ["domain": "a_b.example"], ["domain": "a.example."],
                // This node's host without its port would block the node on every port.
                ["domain": .string(String(node.node.uris.authority.split(separator: ":")[0]))],
            ]
            for body in refusals {
                let response = try await Self.api(.POST, node, body)
                #expect((400..<500).contains(response.status), "\(body) → \(response.status) \(response.text)")
                #expect(try JSONParser().parse(response.body)["message"]?.stringValue?.isEmpty == false)
            }
            #expect(try JSONParser().parse(try await Self.api(.GET, node).body).arrayValue?.isEmpty == true)
            #expect(try await Self.api(.DELETE, node, ["domain": "never.example"]).status == 404)
            // Restarting keeps the list: it is read from the database when the node opens.
            #expect(try await Self.api(.POST, node, ["domain": "Spam.Example"]).status == 201)
            for domain in ["xn--bcher-kva.example", "10.1.2.3", "a-b.example:8443"] {
                #expect(try await Self.api(.POST, node, ["domain": .string(domain)]).status == 201, "\(domain)")
            }
            let unbracketed = try await Self.api(.POST, node, ["domain": "2001:db8::1"])
            #expect(unbracketed.status == 422)
            #expect(try JSONParser().parse(unbracketed.body)["message"]?.stringValue?.contains("[2001:db8::1]") == true, "\(unbracketed.text)")
            #expect(try await Self.api(.POST, node, ["domain": "[2001:DB8::1]"]).status == 201)
            #expect(node.node.blocks.blocks("https://[2001:db8:0::1]:8443/users/x"))
            let defaultPort = try await Self.api(.POST, node, ["domain": "x.example:443"])
            #expect(defaultPort.status == 422)
            #expect(try JSONParser().parse(defaultPort.body)["message"]?.stringValue?.contains("block x.example") == true, "\(defaultPort.text)")
            // Lifting an actor block named like a domain does not lift the domain's block.
            #expect(try await Self.api(.DELETE, node, ["actor": "spam.example"]).status == 404)
            #expect(node.node.blocks.blocks("https://spam.example/users/x"))
            let reopened = try await TestNode.start(dataDirectory: node.configuration.dataDirectory)
            #expect(reopened.node.blocks.blocks("https://spam.example/users/x"))
            await reopened.stop()
        }
    }
}
