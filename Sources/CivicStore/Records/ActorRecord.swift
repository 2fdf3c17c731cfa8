import CivicModel
import Foundation
import GRDB

/// A row of `actor`: an actor local or remote, with the document served or fetched.
package struct ActorRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "actor"

    package var id: String
    package var kind: String
    package var preferredUsername: String
    package var host: String
    package var name: String?
    package var summary: String?
    package var inbox: String
    package var sharedInbox: String?
    package var outbox: String?
    package var followers: String?
    package var following: String?
    package var publicKeyId: String?
    package var publicKeyPem: String?
    package var ed25519KeyId: String?
    package var ed25519Multibase: String?
    package var manuallyApprovesFollowers: Bool
    package var discoverable: Bool
    package var indexable: Bool
    package var isLocal: Bool
    /// Canonical JSON of the actor document (served as-is for local actors).
    package var document: Data
    package var fetchedAt: Date

    package init(profile: ActorProfile, document: Data, fetchedAt: Date) {
        id = profile.id
        kind = profile.kind.rawValue
        preferredUsername = profile.preferredUsername
        host = profile.host
        name = profile.name
        summary = profile.summary
        inbox = profile.inbox
        sharedInbox = profile.sharedInbox
        outbox = profile.outbox
        followers = profile.followers
        following = profile.following
        publicKeyId = profile.publicKeyID
        publicKeyPem = profile.publicKeyPEM
        ed25519KeyId = profile.ed25519KeyID
        ed25519Multibase = profile.ed25519Multibase
        manuallyApprovesFollowers = profile.manuallyApprovesFollowers
        discoverable = profile.discoverable
        indexable = profile.indexable
        isLocal = profile.isLocal
        self.document = document
        self.fetchedAt = fetchedAt
    }

    /// The domain value; an unknown stored kind reads as `Service` rather than failing.
    package var profile: ActorProfile {
        ActorProfile(
            id: id, kind: ActorProfile.Kind(rawValue: kind) ?? .service, preferredUsername: preferredUsername,
            host: host, name: name, summary: summary, inbox: inbox, sharedInbox: sharedInbox, outbox: outbox,
            followers: followers, following: following, publicKeyID: publicKeyId, publicKeyPEM: publicKeyPem,
            ed25519KeyID: ed25519KeyId, ed25519Multibase: ed25519Multibase,
            manuallyApprovesFollowers: manuallyApprovesFollowers, discoverable: discoverable, indexable: indexable,
            isLocal: isLocal)
    }
}

/// A row of `localKey`: the private keys of a local actor. Never leaves the node.
package struct LocalKeyRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "localKey"

    package var actorId: String
    package var rsaPrivateKeyPem: String
    package var ed25519PrivateKey: Data
    package var createdAt: Date

    package init(actorId: String, rsaPrivateKeyPem: String, ed25519PrivateKey: Data, createdAt: Date) {
        self.actorId = actorId
        self.rsaPrivateKeyPem = rsaPrivateKeyPem
        self.ed25519PrivateKey = ed25519PrivateKey
        self.createdAt = createdAt
    }
}
