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
        self.id = id
        self.type = type
        self.actor = actor
        self.object = document["object"]
        self.document = document
    }
}
