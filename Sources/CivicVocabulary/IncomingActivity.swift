/// The envelope of an activity received in an inbox, checked for the fields every activity
/// must carry before anything is stored: `id`, `type` and `actor`, each a valid IRI where one is required.
public struct IncomingActivity: Sendable, Equatable {
    /// The activity's id (an IRI on the actor's origin).
    public var id: String
    /// The first activity type.
    public var type: String
    /// The actor's IRI.
    public var actor: String
    /// The object, as received (IRI or embedded object).
    public var object: JSONValue?
    /// The whole document.
    public var document: JSONValue

    /// A `Delete` whose object is its own actor: an account deletion, as Mastodon sends one to
    /// every server that knew the account.
    public var deletesActor: Bool { type == AS.ActivityType.delete.rawValue && object?.iri == actor }

    /// Validates the envelope of a parsed inbox payload.
    ///
    /// The activity id must share the actor's origin (an actor can only create ids on its own
    /// server), so a forwarder cannot make us file someone else's activity under an id it chose.
    public init(document: JSONValue) throws(VocabularyError) {
        guard case .object = document else {
            throw VocabularyError(code: "as.notAnObject", reason: "an activity must be a JSON object")
        }
        guard let id = document["id"]?.stringValue else {
            throw VocabularyError(code: "as.missingField", reason: "field \"id\" is missing or not a string")
        }
        guard let type = document.types.first else {
            throw VocabularyError(code: "as.missingField", reason: "field \"type\" is missing")
        }
        guard let actor = document["actor"]?.iri else {
            throw VocabularyError(code: "as.missingField", reason: "field \"actor\" is missing or not an IRI")
        }
        let idOrigin = try IRI.origin(of: id)
        let actorOrigin = try IRI.origin(of: actor)
        guard idOrigin == actorOrigin else {
            throw VocabularyError(
                code: "as.originMismatch", reason: "activity id \"\(id.prefix(200))\" is not on the actor's origin")
        }
        try Self.checkListLengths(document)
        if let object = document["object"], case .object = object { try Self.checkListLengths(object) }
        self.id = id
        self.type = type
        self.actor = actor
        self.object = document["object"]
        self.document = document
    }

    /// The most entries a received document may have in each list-valued property; beyond the
    /// parser's general 10,000, each costs work (addressing checks, stored tags, attachments).
    public static let maxListLengths = ["to": 1_000, "cc": 1_000, "bto": 1_000, "bcc": 1_000, "audience": 1_000, "tag": 200, "attachment": 50]

    /// Refuses a document (an activity, or an object received in one or fetched) whose `to`,
    /// `cc`, `bto`, `bcc`, `audience`, `tag` or `attachment` is longer than `maxListLengths` allows.
    public static func checkListLengths(_ document: JSONValue) throws(VocabularyError) {
        for (property, limit) in maxListLengths.sorted(by: { $0.key < $1.key }) {
            if let count = document[property]?.arrayValue?.count, count > limit {
                throw VocabularyError(code: "as.tooMany", reason: "\"\(property)\" has \(count) entries; at most \(limit) are accepted")
            }
        }
    }
}
