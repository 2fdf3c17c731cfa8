import CivicCrypto
import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Creates and lists the node's own actors: the instance actor and organisations.
package struct ActorUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// Creates the instance actor (`Application` at `/actor`) if it does not exist yet.
    /// Its preferredUsername is the host, so WebFinger `acct:HOST@HOST` finds it (FEP-d556).
    package func ensureInstanceActor() async throws {
        if try await node.database.actor(id: node.uris.instanceActor) != nil { return }
        let id = node.uris.instanceActor
        let profile = ActorProfile(
            id: id, kind: .application, preferredUsername: node.uris.authority, host: node.uris.authority,
            name: "CivicHub node \(node.uris.authority)", inbox: node.uris.inbox(id), sharedInbox: node.uris.sharedInbox,
            outbox: node.uris.outbox(id), manuallyApprovesFollowers: true, isLocal: true)
        do {
            try await insert(profile)
        } catch let error as DomainError where error.kind == .conflict {
            // Another process (the CLI on the same data) created it first.
        }
    }

    /// Creates an organisation actor with fresh RSA-2048 and Ed25519 keys.
    package func createOrganization(name: String, displayName: String?, summary: String?) async throws -> ActorProfile {
        try ActorName.validate(name)
        if let displayName, displayName.limitLength > 200 {
            throw DomainError.invalid(field: "displayName", reason: "must be at most 200 characters")
        }
        if let summary, summary.limitLength > 5000 {
            throw DomainError.invalid(field: "summary", reason: "must be at most 5000 characters")
        }
        let id = node.uris.actor(name)
        let profile = ActorProfile(
            id: id, kind: .organization, preferredUsername: name, host: node.uris.authority, name: displayName ?? name,
            summary: summary, inbox: node.uris.inbox(id), sharedInbox: node.uris.sharedInbox, outbox: node.uris.outbox(id),
            followers: node.uris.followers(id), following: node.uris.following(id), discoverable: true, indexable: true,
            isLocal: true)
        return try await insert(profile)
    }

    /// Local organisations by name.
    package func organizations() async throws -> [ActorProfile] {
        try await node.database.localActors().map(\.profile).filter { $0.kind == .organization }
    }

    /// A local actor by name, or `notFound`.
    package func localActor(named name: String) async throws -> ActorProfile {
        guard let record = try await node.database.localActor(named: name) else {
            throw DomainError.notFound("actor.notFound", "no organisation named \"\(name)\" on this node")
        }
        return record.profile
    }

    @discardableResult
    private func insert(_ profile: ActorProfile) async throws -> ActorProfile {
        var profile = profile
        let rsa = try RSAKeyPair.generate()
        let ed25519 = Ed25519KeyPair.generate()
        profile.publicKeyID = node.uris.mainKey(profile.id)
        profile.publicKeyPEM = rsa.publicKeyPEM
        profile.ed25519KeyID = node.uris.ed25519Key(profile.id)
        profile.ed25519Multibase = ed25519.publicKeyMultibase
        let now = node.clock.now
        let document = ASMapper.document(for: profile, uris: node.uris, published: now)
        try await node.database.insertLocalActor(
            ActorRecord(profile: profile, document: CanonicalJSON.encode(document), fetchedAt: now),
            key: LocalKeyRecord(actorId: profile.id, rsaPrivateKeyPem: rsa.privateKeyPEM, ed25519PrivateKey: ed25519.rawPrivateKey, createdAt: now))
        return profile
    }
}
