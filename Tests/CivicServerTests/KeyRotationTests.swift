import CivicCrypto
import CivicFederation
import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Remote keys are cached and refetched once when they stop verifying", .serialized, .liveNodes)
struct KeyRotationTests {
    @Test("After the sender rotates its key, the next request is accepted after one refetch")
    func rotation() async throws {
        let receiver = try await TestNode.start()
        var sender = try await TestNode.start()
        let beta = try await sender.organization("beta")
        let inbox = "\(receiver.base)/inbox"

        // Given the receiver has cached beta's key from a first request
        let first = try await SignedPost.make(to: inbox, body: InboxRefusalTests.activity(from: beta.id), as: beta.id, of: sender)
        #expect(try await first.send().status == 202)
        let cachedPEM = try await receiver.database.actor(id: beta.id)?.publicKeyPem

        // When beta's node replaces its key (stored document and private key) and restarts
        let rotated = try RSAKeyPair.generate()
        try await sender.database.writer.write { db in
            try db.execute(sql: "UPDATE localKey SET rsaPrivateKeyPem = ? WHERE actorId = ?", arguments: [rotated.privateKeyPEM, beta.id])
        }
        var profile = beta
        profile.publicKeyPEM = rotated.publicKeyPEM
        let document = CanonicalJSON.encode(ASMapper.document(for: profile, uris: sender.node.uris, published: Date()))
        try await sender.database.writer.write { db in
            try db.execute(sql: "UPDATE actor SET publicKeyPem = ?, document = ? WHERE id = ?", arguments: [rotated.publicKeyPEM, document, beta.id])
        }
        let (data, port) = (sender.configuration.dataDirectory, sender.configuration.port)
        await sender.stop()
        sender = try await TestNode.start(dataDirectory: data, port: port)

        // Then a request signed with the new key is accepted, and the cache holds the new key
        let second = try await SignedPost.make(to: inbox, body: InboxRefusalTests.activity(from: beta.id), as: beta.id, of: sender)
        #expect(try await second.send().status == 202)
        let refreshedPEM = try await receiver.database.actor(id: beta.id)?.publicKeyPem
        #expect(refreshedPEM == rotated.publicKeyPEM)
        #expect(refreshedPEM != cachedPEM)

        await sender.stop()
        await receiver.stop()
    }
}
