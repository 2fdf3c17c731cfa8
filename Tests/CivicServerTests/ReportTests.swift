import CivicCrypto
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

/// Reports that another server's moderators forward, as Mastodon does: a `Flag` from its
/// instance actor naming the reported account and posts, with the reporter's comment.
@Suite("Reports forwarded by other servers", .serialized, .liveNodes)
struct ReportTests {
    @Test("A Flag naming this node's organisations or content is kept for the operator, once, with only what is here and a plain-text comment")
    func flags() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await withScriptedServers(count: 1) { servers in
                let alpha = try await node.organization("alpha")
                let moderator = "\(servers[0].base)/actor", key = try RSAKeyPair.generate()
                servers[0].script("/actor", .actor(moderator, type: "Application", key: key, name: servers[0].authority))
                func flag(_ id: String, _ objects: [String], _ content: String) -> JSONValue {
                    [
                        "@context": .string(AS.context), "id": .string("\(servers[0].base)/\(id)"), "type": "Flag", "actor": .string(moderator),
                        "content": .string(content), "object": .array(objects.map { .string($0) }),
                    ]
                }
                let note = "\(node.base)/objects/0193-reported"
                let reported = flag("flags/1", [alpha.id, note, "https://elsewhere.example/notes/1", alpha.id, "\(node.base)/objects/a b"], "<p>Spam &amp; <b>scam</b> links</p>")
                // Delivered twice (signed anew the second time): kept once.
                let again = try SignedPost.make(
                    to: "\(node.base)/inbox", body: CanonicalJSON.encode(reported),
                    signer: HTTPSignatureSigner(keyId: "\(moderator)#main-key", key: key), date: Date().addingTimeInterval(-5))
                #expect(try await again.send().status == 202)
                for activity in [
                    reported,
                    flag("flags/2", ["https://elsewhere.example/notes/1"], "not about this node"),
                    flag("flags/3", [alpha.id], String(repeating: "ä", count: 5_000)),
                ] {
                    #expect(try await ActorDeletionTests.post(activity, by: moderator, key: key, to: node).status == 202)
                }
                try await network.waitUntilQuiet()

                let unauthorized = try await HTTPTestClient.send(.GET, "\(node.base)/api/v1/reports")
                #expect(unauthorized.status == 401)
                let (status, list) = try await AdminAPITests.call(node, .GET, "/api/v1/reports", token: node.adminToken)
                #expect(status == 200)
                let reports = try #require(list?.arrayValue)
                #expect(reports.count == 2, "\(String(describing: list))")
                let long = try #require(reports.first), first = try #require(reports.last)
                #expect(first["reporter"]?.stringValue == moderator)
                #expect(first["objects"] == [.string(alpha.id), .string(note)])
                #expect(first["comment"]?.stringValue == "Spam & scam links")
                #expect(first["receivedAt"]?.stringValue != nil)
                #expect(long["comment"]?.stringValue?.unicodeScalars.count == 2_000)
            }
        }
    }
}
