/// ActivityStreams 2 constants shared by every layer.
public enum AS {
    /// The ActivityStreams JSON-LD context.
    public static let context = "https://www.w3.org/ns/activitystreams"
    /// The security vocabulary (publicKey).
    public static let securityContext = "https://w3id.org/security/v1"
    /// The Multikey / Data Integrity vocabulary (FEP-521a assertionMethod).
    public static let dataIntegrityContext = "https://w3id.org/security/data-integrity/v1"
    /// The context of activities and objects authored here: AS2 plus the Data Integrity terms
    /// their FEP-8b32 proofs use.
    public static let documentContext: JSONValue = [.string(context), .string(dataIntegrityContext)]
    /// The special collection addressing everyone.
    public static let publicCollection = "https://www.w3.org/ns/activitystreams#Public"
    /// Compact spellings of the public collection that real servers send.
    public static let publicAliases: Set<String> = [publicCollection, "as:Public", "Public"]

    /// Media type ActivityPub servers use.
    public static let activityJSON = "application/activity+json"
    /// The JSON-LD media type with the ActivityStreams profile.
    public static let ldJSON = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""

    /// Activity types this node acts on.
    public enum ActivityType: String, Sendable, CaseIterable {
        case follow = "Follow"
        case accept = "Accept"
        case reject = "Reject"
        case undo = "Undo"
        case create = "Create"
        case update = "Update"
        case delete = "Delete"
        case announce = "Announce"
        case like = "Like"
        case join = "Join"
        case leave = "Leave"
        case ignore = "Ignore"
        case block = "Block"
        case move = "Move"
        case flag = "Flag"
    }

    /// Actor types the node knows.
    public enum ActorType: String, Sendable, CaseIterable, Codable {
        case organization = "Organization"
        case person = "Person"
        case application = "Application"
        case group = "Group"
        case service = "Service"
    }
}

extension JSONValue {
    /// The IRI this value names: the string itself, or an embedded object's `id`.
    public var iri: String? {
        switch self {
        case .string(let value): return value
        case .object(let members): return members["id"]?.stringValue
        default: return nil
        }
    }

    /// Every IRI of a one-or-many property (`to`, `cc`, `type`…), in order.
    public var iris: [String] {
        switch self {
        case .array(let elements): return elements.compactMap(\.iri)
        default: return iri.map { [$0] } ?? []
        }
    }

    /// The `type` values of an object (AS2 allows one string or an array).
    public var types: [String] {
        guard let type = self["type"] else { return [] }
        switch type {
        case .string(let value): return [value]
        case .array(let elements): return elements.compactMap(\.stringValue)
        default: return []
        }
    }

    /// True when `type` includes `name`.
    public func hasType(_ name: String) -> Bool { types.contains(name) }
}
