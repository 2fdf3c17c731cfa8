/// Builders for the activities this node sends. Pure: ids and times come from the caller.
public enum ActivityDocuments {
    /// `Follow` of `object` by `actor`.
    public static func follow(id: String, actor: String, object: String) -> JSONValue {
        ["@context": AS.documentContext, "id": .string(id), "type": "Follow", "actor": .string(actor), "object": .string(object)]
    }

    /// `Accept` or `Reject` of a follow request, embedding the Follow as Mastodon does so the
    /// receiver can match it even if it did not keep the Follow's id.
    public static func answer(
        _ type: AS.ActivityType, id: String, actor: String, follow followID: String, follower: String
    ) -> JSONValue {
        [
            "@context": AS.documentContext, "id": .string(id), "type": .string(type.rawValue), "actor": .string(actor),
            "object": ["id": .string(followID), "type": "Follow", "actor": .string(follower), "object": .string(actor)],
        ]
    }

    /// `Undo` of an earlier activity by the same actor, embedding it.
    public static func undo(id: String, actor: String, undone: JSONValue) -> JSONValue {
        var embedded = undone
        if case .object(var members) = embedded {
            members["@context"] = nil
            embedded = .object(members)
        }
        return ["@context": AS.documentContext, "id": .string(id), "type": "Undo", "actor": .string(actor), "object": embedded]
    }
}

extension ActivityDocuments {
    /// A public `Note` (news) by `actor`, addressed to the public and the actor's followers.
    public static func note(id: String, actor: String, followers: String, html: String, published: String) -> JSONValue {
        [
            "@context": AS.documentContext, "id": .string(id), "type": "Note", "attributedTo": .string(actor),
            "content": .string(html), "published": .string(published), "url": .string(id),
            "to": [.string(AS.publicCollection)], "cc": [.string(followers)],
        ]
    }

    /// `Create` of `object` by its author, with the object's addressing.
    public static func create(id: String, actor: String, object: JSONValue, published: String) -> JSONValue {
        wrap("Create", id: id, actor: actor, object: object, published: published)
    }

    /// `Update` carrying the whole changed object.
    public static func update(id: String, actor: String, object: JSONValue, published: String) -> JSONValue {
        wrap("Update", id: id, actor: actor, object: object, published: published)
    }

    /// `Delete` of an object, carrying its `Tombstone`; addressed to the public and the actor's followers.
    public static func delete(id: String, actor: String, object: JSONValue, published: String) -> JSONValue {
        [
            "@context": AS.documentContext, "id": .string(id), "type": "Delete", "actor": .string(actor),
            "published": .string(published), "to": [.string(AS.publicCollection)], "cc": [.string("\(actor)/followers")],
            "object": object,
        ]
    }

    /// What a deleted object's id serves from then on.
    public static func tombstone(id: String, formerType: String, deleted: String) -> JSONValue {
        ["id": .string(id), "type": "Tombstone", "formerType": .string(formerType), "deleted": .string(deleted)]
    }

    /// The embedded object keeps its `@context`: its own proof was computed over it.
    private static func wrap(_ type: String, id: String, actor: String, object: JSONValue, published: String) -> JSONValue {
        let embedded = object
        return [
            "@context": AS.documentContext, "id": .string(id), "type": .string(type), "actor": .string(actor),
            "published": .string(published), "to": object["to"] ?? [], "cc": object["cc"] ?? [], "object": embedded,
        ]
    }
}
