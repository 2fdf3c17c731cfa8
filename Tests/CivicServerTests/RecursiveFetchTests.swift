import CivicCrypto
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

/// A remote document can name any number of other documents; the node must not walk them.
@Suite("Fetches do not recurse through what a remote document names", .serialized, .liveNodes)
struct RecursiveFetchTests {
    @Test("An announced object is fetched once; the replies, actors, attachments and icons it names are not fetched in turn")
    func announcedChain() async throws {
        try await IdentityTests.withMallory { network, evil, mallory, key in
            let node = network.nodes[0]
            // Each note replies to the next, names another author's actor, an attachment and an icon.
            for index in 1...5 {
                evil.script("/notes/\(index)", .activityJSON(String(decoding: CanonicalJSON.encode([
                    "@context": .string(AS.context), "id": .string("\(evil.base)/notes/\(index)"), "type": "Note",
                    "attributedTo": .string(mallory), "to": [.string(AS.publicCollection)], "content": .string("Note \(index)"),
                    "inReplyTo": .string("\(evil.base)/notes/\(index + 1)"), "cc": [.string("\(evil.base)/actors/eve\(index)")],
                    "attachment": [["type": "Document", "url": .string("\(evil.base)/files/\(index).pdf")]],
                    "icon": ["type": "Image", "url": .string("\(evil.base)/icons/\(index).png")],
                    "tag": [["type": "Mention", "href": .string("\(evil.base)/actors/eve\(index)")]],
                ]), as: UTF8.self)))
            }
            let announce = CanonicalJSON.encode([
                "@context": .string(AS.context), "id": .string("\(mallory)/announces/1"), "type": "Announce", "actor": .string(mallory),
                "to": [.string(AS.publicCollection)], "object": .string("\(evil.base)/notes/1"),
            ])
            let post = try SignedPost.make(to: "\(node.base)/inbox", body: announce, signer: HTTPSignatureSigner(keyId: "\(mallory)#main-key", key: key))
            #expect(try await post.send().status == 202)
            try await network.waitUntilQuiet()

            #expect(try await node.database.object(id: "\(evil.base)/notes/1") != nil)
            #expect(evil.requests.filter { $0 == "/notes/1" }.count == 1)
            #expect(Set(evil.requests).isSubset(of: ["/actors/mallory", "/notes/1"]), "fetched: \(evil.requests)")
        }
    }
}
