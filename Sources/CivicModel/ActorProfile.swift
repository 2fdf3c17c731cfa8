import Foundation

/// An actor the node knows, local or remote: what federation needs to address and verify it.
public struct ActorProfile: Sendable, Equatable {
    /// Actor types, as ActivityStreams spells them.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case organization = "Organization"
        case person = "Person"
        case application = "Application"
        case group = "Group"
        case service = "Service"
    }

    public var id: String
    public var kind: Kind
    public var preferredUsername: String
    /// `host[:port]` of the actor's origin.
    public var host: String
    public var name: String?
    public var summary: String?
    public var inbox: String
    public var sharedInbox: String?
    public var outbox: String?
    public var followers: String?
    public var following: String?
    public var publicKeyID: String?
    public var publicKeyPEM: String?
    public var ed25519KeyID: String?
    public var ed25519Multibase: String?
    public var manuallyApprovesFollowers: Bool
    /// FEP-5feb: may appear in directories and recommendations.
    public var discoverable: Bool
    /// FEP-5feb: its content may be indexed for search.
    public var indexable: Bool
    public var isLocal: Bool

    public init(
        id: String, kind: Kind, preferredUsername: String, host: String, name: String? = nil, summary: String? = nil,
        inbox: String, sharedInbox: String? = nil, outbox: String? = nil, followers: String? = nil,
        following: String? = nil, publicKeyID: String? = nil, publicKeyPEM: String? = nil,
        ed25519KeyID: String? = nil, ed25519Multibase: String? = nil, manuallyApprovesFollowers: Bool = false,
        discoverable: Bool = false, indexable: Bool = false, isLocal: Bool
    ) {
        self.id = id
        self.kind = kind
        self.preferredUsername = preferredUsername
        self.host = host
        self.name = name
        self.summary = summary
        self.inbox = inbox
        self.sharedInbox = sharedInbox
        self.outbox = outbox
        self.followers = followers
        self.following = following
        self.publicKeyID = publicKeyID
        self.publicKeyPEM = publicKeyPEM
        self.ed25519KeyID = ed25519KeyID
        self.ed25519Multibase = ed25519Multibase
        self.manuallyApprovesFollowers = manuallyApprovesFollowers
        self.discoverable = discoverable
        self.indexable = indexable
        self.isLocal = isLocal
    }

    /// The handle users type, `name@host`.
    public var handle: String { "\(preferredUsername)@\(host)" }

    /// Where deliveries to this actor go: its server's shared inbox when it has one.
    public var deliveryInbox: String { sharedInbox ?? inbox }
}

/// A follow relation between two actors.
public struct FollowRelation: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        case pending, accepted
    }

    public var followerID: String
    public var followeeID: String
    /// The `Follow` activity's id, which Accept/Reject/Undo refer to.
    public var activityID: String
    public var state: State

    public init(followerID: String, followeeID: String, activityID: String, state: State) {
        self.followerID = followerID
        self.followeeID = followeeID
        self.activityID = activityID
        self.state = state
    }
}

/// Local organisation names: what may follow `/actors/` in an IRI and `acct:` in a handle.
public enum ActorName {
    /// Lowercase letters, digits, `_`, `-` and `.`, 1–64 characters, starting with a letter or digit.
    public static func validate(_ name: String) throws(DomainError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
        guard (1...64).contains(name.count), name.allSatisfy({ allowed.contains($0) }),
              let first = name.first, first.isLetter || first.isNumber
        else {
            throw DomainError.invalid(
                field: "name",
                reason: "must be 1–64 characters of a–z, 0–9, '_', '-' or '.', starting with a letter or digit")
        }
    }
}
