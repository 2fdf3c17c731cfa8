import CivicCrypto
import CivicFederation
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

/// Servers that try to borrow another actor's identity: through redirects, key documents that
/// name a victim as owner, and WebFinger answers pointing at actors on other hosts.
@Suite("Identity cannot be borrowed through redirects, key owners or WebFinger aliases", .serialized, .liveNodes)
struct IdentityTests {
    static func person(_ id: String, name: String, key: RSAKeyPair, url: String? = nil) -> ScriptedServer.Answer {
        .actor(id, key: key, name: name, url: url)
    }

    /// A node and a scripted hostile server publishing actor `mallory` (its id and key given to `body`).
    static func withMallory(_ body: (TestNetwork, ScriptedServer, _ mallory: String, _ key: RSAKeyPair) async throws -> Void) async throws {
        try await withTestNetwork(count: 1) { network in
            try await withScriptedServers(count: 1) { servers in
                let key = try RSAKeyPair.generate()
                let mallory = "\(servers[0].base)/actors/mallory"
                servers[0].script("/actors/mallory", person(mallory, name: "mallory", key: key))
                try await body(network, servers[0], mallory, key)
            }
        }
    }

    static func keyDocument(_ id: String, owner: String, key: RSAKeyPair) -> ScriptedServer.Answer {
        .activityJSON(String(decoding: CanonicalJSON.encode([
            "@context": "https://w3id.org/security/v1", "id": .string(id), "owner": .string(owner), "publicKeyPem": .string(key.publicKeyPEM),
        ]), as: UTF8.self))
    }

    /// An inbox POST of a Create by `actor`, signed with `key` under `keyID`.
    static func post(to inbox: String, actor: String, keyID: String, key: RSAKeyPair) throws -> SignedPost {
        let body = CanonicalJSON.encode([
            "@context": .string(AS.context), "id": .string("\(actor)/activities/\(UUID().uuidString)"), "type": "Create",
            "actor": .string(actor), "to": [.string(AS.publicCollection)],
            "object": ["id": .string("\(actor)/notes/forged"), "type": "Note", "attributedTo": .string(actor), "content": "Forged."],
        ])
        return try SignedPost.make(to: inbox, body: body, signer: HTTPSignatureSigner(keyId: keyID, key: key))
    }

    static func expectRefused(_ post: SignedPost, code: String, on node: TestNode) async throws {
        let before = try await node.database.inboxCounts()
        let response = try await post.send()
        #expect(response.status == 401, "\(response.text)")
        #expect(try JSONParser().parse(response.body)["error"]?.stringValue == code, "\(response.text)")
        #expect(try await node.database.inboxCounts() == before, "a refused activity must not be stored")
    }

    @Test("An actor id that redirects to another actor is not that actor, nor is its key that actor's key; a url naming another actor claims nothing")
    func redirectingActorIDs() async throws {
        try await withFollowedAlpha { network, alpha in
            try await withScriptedServers(count: 1) { servers in
                let evil = servers[0]
                let key = try RSAKeyPair.generate()
                let mallory = "\(evil.base)/actors/mallory"
                evil.script("/actors/mallory", Self.person(mallory, name: "mallory", key: key))
                evil.script("/actors/to-mallory", .redirect(mallory))
                evil.script("/actors/to-alpha", .redirect(alpha.id))
                // Authority claimed through `url` rather than `id` claims nothing.
                evil.script("/actors/url-alpha", Self.person("\(evil.base)/actors/url-alpha", name: "alpha", key: key, url: alpha.id))
                let beta = network.nodes[1]
                let resolver = beta.node.resolver
                let claimant = try await resolver.actor(id: "\(evil.base)/actors/url-alpha")
                #expect(claimant.id == "\(evil.base)/actors/url-alpha")
                #expect(claimant.host == evil.authority)
                #expect(try await beta.database.actor(id: alpha.id)?.profile.publicKeyPEM != key.publicKeyPEM)
                await OutboundFetchTests.expectFailure("actor.idMismatch") { _ = try await resolver.actor(id: "\(evil.base)/actors/to-mallory") }
                await OutboundFetchTests.expectFailure("actor.idMismatch") { _ = try await resolver.actor(id: "\(evil.base)/actors/to-alpha") }

                // Mallory's key, named by a redirecting id, does not sign for the id it was named by.
                try await Self.expectRefused(
                    try Self.post(to: "\(beta.base)/inbox", actor: "\(evil.base)/actors/to-mallory", keyID: "\(evil.base)/actors/to-mallory#main-key", key: key),
                    code: "key.notListed", on: beta)
                #expect(try await beta.database.actor(id: "\(evil.base)/actors/to-alpha") == nil)
            }
        }
    }

    @Test("A key document naming a victim as its owner signs nothing for the victim; ownership is read from the actor's side")
    func keyOwnerClaimingVictim() async throws {
        try await withFollowedAlpha { network, alpha in
            try await withScriptedServers(count: 1) { servers in
                let evil = servers[0]
                let key = try RSAKeyPair.generate()
                let mallory = "\(evil.base)/actors/mallory"
                evil.script("/actors/mallory", Self.person(mallory, name: "mallory", key: try RSAKeyPair.generate()))
                // A key on the attacker's host claiming alpha (on another node) as its owner …
                evil.script("/keys/alpha", Self.keyDocument("\(evil.base)/keys/alpha", owner: alpha.id, key: key))
                // … and one claiming mallory, on the same host, whose actor document lists another key.
                evil.script("/keys/mallory", Self.keyDocument("\(evil.base)/keys/mallory", owner: mallory, key: key))
                let beta = network.nodes[1]
                try await Self.expectRefused(
                    try Self.post(to: "\(beta.base)/inbox", actor: alpha.id, keyID: "\(evil.base)/keys/alpha", key: key),
                    code: "key.foreignOwner", on: beta)
                try await Self.expectRefused(
                    try Self.post(to: "\(beta.base)/inbox", actor: mallory, keyID: "\(evil.base)/keys/mallory", key: key),
                    code: "key.notListed", on: beta)
            }
        }
    }

    @Test("A WebFinger alias on another host resolves only when the actor's own host confirms it, and the actor keeps its own handle")
    func webfingerAliases() async throws {
        try await withFollowedAlpha { network, alpha in
            try await withScriptedServers(count: 2) { servers in
                let (evil, other) = (servers[0], servers[1])
                let victim = "\(other.base)/actors/victim"
                other.script("/actors/victim", Self.person(victim, name: "victim", key: try RSAKeyPair.generate()))
                // `other` answers WebFinger for victim with a different actor: it does not confirm the alias.
                other.script("/.well-known/webfinger?resource=acct:victim@\(other.authority)", .webfinger(
                    subject: "acct:victim@\(other.authority)", actor: "\(other.base)/actors/someone-else"))
                evil.script("/.well-known/webfinger?resource=acct:boss@\(evil.authority)", .webfinger(
                    subject: "acct:boss@\(evil.authority)", actor: victim))
                evil.script("/.well-known/webfinger?resource=acct:nobody@\(evil.authority)", .webfinger(
                    subject: "acct:nobody@\(evil.authority)", actor: "\(other.base)/actors/missing"))
                // A confirmed alias: alpha's node answers for alpha with alpha.
                evil.script("/.well-known/webfinger?resource=acct:ceo@\(evil.authority)", .webfinger(
                    subject: "acct:ceo@\(evil.authority)", actor: alpha.id))

                let beta = network.nodes[1]
                let resolver = beta.node.resolver
                await OutboundFetchTests.expectFailure("webfinger.unconfirmedAlias") { _ = try await resolver.webfinger("boss@\(evil.authority)") }
                await OutboundFetchTests.expectFailure("fetch.status") { _ = try await resolver.webfinger("nobody@\(evil.authority)") }
                #expect(try await resolver.webfinger("ceo@\(evil.authority)") == alpha.id)
                let known = try #require(try await beta.database.actor(id: alpha.id))
                #expect(known.profile.preferredUsername == "alpha")
                #expect(known.profile.host == network.nodes[0].node.uris.authority)

                // Following through the unconfirmed alias is refused with a 4xx, not a 5xx.
                let response = try await HTTPTestClient.send(
                    .POST, "\(beta.base)/api/v1/organizations/beta/follows",
                    headers: [("Authorization", "Bearer \(beta.adminToken)"), ("Content-Type", "application/json")],
                    body: CanonicalJSON.encode(["handle": .string("boss@\(evil.authority)")]))
                #expect((400..<500).contains(response.status), "\(response.text)")
            }
        }
    }

    @Test("An activity from a third origin that reuses a victim's ids, or embeds a victim-origin object, is refused and does not make the real one a duplicate")
    func thirdOriginActivity() async throws {
        try await withFollowedAlpha(count: 3) { network, alpha in
            let (first, second, third) = (network.nodes[0], network.nodes[1], network.nodes[2])
            let mallory = try await third.organization("mallory")
            let origin = first.base
            func create(id: String, actor: String, content: String) -> Data {
                CanonicalJSON.encode([
                    "@context": .string(AS.context), "id": .string(id), "type": "Create", "actor": .string(actor),
                    "to": [.string(AS.publicCollection)],
                    "object": [
                        "id": .string("\(origin)/objects/real-1"), "type": "Note", "attributedTo": .string(alpha.id),
                        "to": [.string(AS.publicCollection)], "content": .string(content),
                    ],
                ])
            }
            let inbox = "\(second.base)/inbox"
            // The victim's activity id, sent by the attacker: refused before anything is recorded.
            let reused = try await SignedPost.make(
                to: inbox, body: create(id: "\(origin)/activities/real-1", actor: mallory.id, content: "Forged"), as: mallory.id, of: third)
            #expect(try await reused.send().status == 400)
            // The attacker's own activity id embedding the victim's object.
            let embedded = try await SignedPost.make(
                to: inbox, body: create(id: "\(mallory.id)/activities/evil-1", actor: mallory.id, content: "Forged"), as: mallory.id, of: third)
            let refused = try await embedded.send()
            #expect(refused.status == 403, "\(refused.text)")
            #expect(try await second.database.object(id: "\(origin)/objects/real-1") == nil)

            // The real activity with those ids, signed by the victim, is taken in full.
            let real = try await SignedPost.make(
                to: inbox, body: create(id: "\(origin)/activities/real-1", actor: alpha.id, content: "Real"), as: alpha.id, of: first)
            #expect(try await real.send().status == 202)
            try await network.waitUntilQuiet()
            let stored = try #require(try await second.database.object(id: "\(origin)/objects/real-1"))
            #expect(String(decoding: stored.document, as: UTF8.self).contains("Real"))
        }
    }

    @Test("No key is fetched for a request whose signature is malformed, stale, leaves out required parts or does not match its digest")
    func noFetchForBadSignatures() async throws {
        try await Self.withMallory { network, evil, mallory, key in
            let node = network.nodes[0]
            let inbox = "\(node.base)/inbox"
            let signer = HTTPSignatureSigner(keyId: "\(mallory)#main-key", key: key)
            let body = InboxRefusalTests.activity(from: mallory)
            var posts: [SignedPost] = []
            var malformed = try SignedPost.make(to: inbox, body: body, signer: signer)
            malformed.set("Signature", #"keyId="\#(mallory)#main-key",headers="(request-target) host date digest",signature=="#)
            posts.append(malformed)
            posts.append(try SignedPost.make(to: inbox, body: body, signer: signer, date: Date().addingTimeInterval(-13 * 3600)))
            var uncovered = try SignedPost.make(to: inbox, body: body, signer: signer)
            let signature = try #require(uncovered.headers.first { $0.0 == "Signature" }?.1)
            uncovered.set("Signature", signature.replacingOccurrences(of: " digest\"", with: "\""))
            posts.append(uncovered)
            var otherBody = try SignedPost.make(to: inbox, body: body, signer: signer)
            otherBody.body = InboxRefusalTests.activity(from: mallory)
            posts.append(otherBody)
            for post in posts {
                let response = try await post.send()
                #expect(response.status == 401, "\(response.text)")
            }
            #expect(evil.requests.isEmpty, "fetched: \(evil.requests)")
            // The control: a good signature does make the node fetch the key.
            #expect(try await SignedPost.make(to: inbox, body: body, signer: signer).send().status == 202)
            #expect(evil.requests == ["/actors/mallory"])
        }
    }

    /// Found by the soak: keys on a host that does not answer held inbox places for the whole
    /// connect timeout, so a few addresses could keep the inbox answering 503.
    @Test("After a key host fails, requests signed with its keys are refused at once for a while, without asking it again")
    func unreachableKeyHost() async throws {
        try await Self.withMallory { network, evil, mallory, key in
            let node = network.nodes[0]
            evil.script("/actors/mallory", .init(status: .serviceUnavailable))
            let signer = HTTPSignatureSigner(keyId: "\(mallory)#main-key", key: key)
            for _ in 0..<3 {
                let post = try SignedPost.make(to: "\(node.base)/inbox", body: InboxRefusalTests.activity(from: mallory), signer: signer)
                let response = try await post.send()
                #expect(response.status == 401, "\(response.text)")
            }
            #expect(evil.requests == ["/actors/mallory"])
        }
    }
}
