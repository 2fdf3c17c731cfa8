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

extension ActivityDocuments {
    /// The location of an event, as FEP-8a8e and Mobilizon write it.
    public struct EventLocation: Sendable {
        public var name: String?
        public var streetAddress: String?
        public var postalCode: String?
        public var locality: String?
        public var country: String?
        public var url: String?

        public init(name: String?, streetAddress: String?, postalCode: String?, locality: String?, country: String?, url: String?) {
            self.name = name
            self.streetAddress = streetAddress
            self.postalCode = postalCode
            self.locality = locality
            self.country = country
            self.url = url
        }
    }

    /// How an event is run: who may join and how, whether it takes place, what kind it is.
    public struct EventTerms: Sendable {
        public var capacity: Int?
        /// `free`, `restricted` or `external`.
        public var joinMode: String
        public var externalParticipationUrl: String?
        /// An FEP-8a8e `eventStatus` value such as `EventScheduled`.
        public var status: String
        /// FEP-8a8e categories.
        public var categories: [String]

        public init(capacity: Int?, joinMode: String, externalParticipationUrl: String?, status: String, categories: [String]) {
            self.capacity = capacity
            self.joinMode = joinMode
            self.externalParticipationUrl = externalParticipationUrl
            self.status = status
            self.categories = categories
        }
    }

    /// A public `Event` (FEP-8a8e) by `actor`: a `Place` with a `PostalAddress`, a
    /// `VirtualLocation`, or both for a hybrid event; its organiser as an `organizers`
    /// collection, and an `attendees` collection (served with its count) at `ID/attendees`.
    public static func event(
        id: String, actor: String, followers: String, name: String, html: String?, startTime: String, endTime: String?,
        timezone: String, location: EventLocation?, terms: EventTerms, fields: [FieldOfWork],
        published: String
    ) -> JSONValue {
        var members: [String: JSONValue] = [
            "@context": CivicContext.documentContext, "id": .string(id), "type": "Event", "attributedTo": .string(actor),
            "name": .string(name), "startTime": .string(startTime), "timezone": .string(timezone), "published": .string(published),
            "url": .string(id), "to": [.string(AS.publicCollection)], "cc": [.string(followers)], "organizer": .string(actor),
            "organizers": ["type": "OrderedCollection", "totalItems": 1, "orderedItems": [.string(actor)]],
            "attendees": .string("\(id)/attendees"), "eventStatus": .string(terms.status), "joinMode": .string(terms.joinMode),
        ]
        if let html { members["content"] = .string(html) }
        if let endTime { members["endTime"] = .string(endTime) }
        if let capacity = terms.capacity { members["maximumAttendeeCapacity"] = .number(Double(capacity)) }
        if let url = terms.externalParticipationUrl { members["externalParticipationUrl"] = .string(url) }
        if !terms.categories.isEmpty {
            members["category"] = terms.categories.count == 1 ? .string(terms.categories[0]) : .array(terms.categories.map(JSONValue.string))
        }
        if !fields.isEmpty {
            members["fieldOfWork"] = .array(fields.map { .string($0.iri) })
            members["tag"] = .array(fields.map { ["type": "Hashtag", "name": .string($0.hashtag), "href": .string($0.iri)] })
        }
        if let location {
            var places: [JSONValue] = []
            let addressParts: [(String, String?)] = [
                ("streetAddress", location.streetAddress), ("postalCode", location.postalCode),
                ("addressLocality", location.locality), ("addressCountry", location.country),
            ]
            if location.name != nil || addressParts.contains(where: { $0.1 != nil }) {
                var place: [String: JSONValue] = ["type": "Place"]
                if let name = location.name { place["name"] = .string(name) }
                var address: [String: JSONValue] = ["type": "PostalAddress"]
                for (key, value) in addressParts { if let value { address[key] = .string(value) } }
                if address.count > 1 { place["address"] = .object(address) }
                places.append(.object(place))
            }
            if let url = location.url {
                places.append(["type": "VirtualLocation", "url": .string(url)])
            }
            members["location"] = places.count == 1 ? places[0] : .array(places)
        }
        return .object(members)
    }
}

extension ActivityDocuments {
    /// `Join` of an event by `actor`.
    public static func join(id: String, actor: String, event: String) -> JSONValue {
        ["@context": AS.documentContext, "id": .string(id), "type": "Join", "actor": .string(actor), "object": .string(event)]
    }

    /// `Leave` of an event by `actor`.
    public static func leave(id: String, actor: String, event: String) -> JSONValue {
        ["@context": AS.documentContext, "id": .string(id), "type": "Leave", "actor": .string(actor), "object": .string(event)]
    }

    /// `Accept` or `Reject` of a `Join`, embedding it as Mobilizon does.
    public static func answerJoin(
        _ type: AS.ActivityType, id: String, actor: String, join joinID: String, participant: String, event: String
    ) -> JSONValue {
        [
            "@context": AS.documentContext, "id": .string(id), "type": .string(type.rawValue), "actor": .string(actor),
            "object": ["id": .string(joinID), "type": "Join", "actor": .string(participant), "object": .string(event)],
        ]
    }
}

extension ActivityDocuments {
    /// An article's text in one language: its title (plain text), summary and content (HTML).
    public struct ArticleText: Sendable {
        public var title: String
        public var summary: String?
        public var html: String

        public init(title: String, summary: String?, html: String) {
            self.title = title
            self.summary = summary
            self.html = html
        }
    }

    /// A public `Article` (report, guide, tool review or funding call) with its `civic:kind`,
    /// fields of work as `civic:fieldOfWork` IRIs and `Hashtag` tags, its text in every language
    /// in `nameMap`, `summaryMap` and `contentMap` (the `language` version also as `name`,
    /// `summary` and `content`, for readers without language maps), and for funding calls a
    /// `civic:funding` block.
    public static func article(
        id: String, actor: String, followers: String, kind: String, language: String, main primary: ArticleText,
        translations: [String: ArticleText], fields: [FieldOfWork], funding: JSONValue?, published: String
    ) -> JSONValue {
        var texts = translations
        texts[language] = primary
        var members: [String: JSONValue] = [
            "@context": CivicContext.documentContext, "id": .string(id), "type": "Article", "attributedTo": .string(actor),
            "kind": .string(kind), "name": .string(primary.title), "nameMap": .object(texts.mapValues { .string($0.title) }),
            "content": .string(primary.html), "contentMap": .object(texts.mapValues { .string($0.html) }),
            "published": .string(published), "url": .string(id), "to": [.string(AS.publicCollection)], "cc": [.string(followers)],
            "fieldOfWork": .array(fields.map { .string($0.iri) }),
            "tag": .array(fields.map { ["type": "Hashtag", "name": .string($0.hashtag), "href": .string($0.iri)] }),
        ]
        if let summary = primary.summary { members["summary"] = .string(summary) }
        let summaries = texts.compactMapValues { $0.summary.map(JSONValue.string) }
        if !summaries.isEmpty { members["summaryMap"] = .object(summaries) }
        if let funding { members["funding"] = funding }
        return .object(members)
    }
}

extension ActivityDocuments {
    /// `Announce` (boost) of an object by `actor`, to the public and the actor's followers.
    public static func announce(id: String, actor: String, object: String, published: String) -> JSONValue {
        [
            "@context": AS.documentContext, "id": .string(id), "type": "Announce", "actor": .string(actor), "object": .string(object),
            "published": .string(published), "to": [.string(AS.publicCollection)], "cc": [.string("\(actor)/followers")],
        ]
    }
}
