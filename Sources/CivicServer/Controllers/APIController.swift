import CivicFederation
import CivicModel
import CivicNode
import CivicStore
import CivicVocabulary
import Foundation
import HTTPTypes
import Hummingbird

/// The admin REST API under `/api/v1`, authenticated by a bearer admin token.
struct APIController<Context: RequestContext> {
    let node: Node

    func addRoutes(to router: Router<Context>) {
        let api = router.group("api/v1").add(middleware: BearerTokenMiddleware(node: node))
        api.get("organizations") { _, _ in
            try await ActorUseCase(node: node).organizations().map(OrganizationResponse.init)
        }
        api.post("organizations") { request, context in
            let input = try await request.decode(as: CreateOrganizationRequest.self, context: context)
            let actor = try await ActorUseCase(node: node).createOrganization(name: input.name, displayName: input.displayName, summary: input.summary)
            return EditedResponse(status: .created, response: OrganizationResponse(actor))
        }
        api.put("organizations/:name/profile") { request, context in
            let input = try await request.decode(as: OrganizationProfileDraft.self, context: context)
            try await ProfileUseCase(node: node).update(name: try context.parameters.require("name"), profile: input)
            return Response(status: .noContent)
        }
        api.post("organizations/:name/follows") { request, context in
            let input = try await request.decode(as: FollowRequest.self, context: context)
            let relation = try await FollowUseCase(node: node).follow(from: try context.parameters.require("name"), handle: input.handle)
            return EditedResponse(status: .accepted, response: FollowResponse(relation))
        }
        api.get("organizations/:name/follow-requests") { _, context in
            FollowRequestsResponse(actors: try await QueueUseCase(node: node).followRequests(of: try context.parameters.require("name")))
        }
        api.post("organizations/:name/follow-requests/approve") { request, context in
            let input = try await request.decode(as: FollowAnswerRequest.self, context: context)
            try await FollowUseCase(node: node).approve(name: try context.parameters.require("name"), follower: input.actor)
            return Response(status: .noContent)
        }
        api.post("organizations/:name/follow-requests/decline") { request, context in
            let input = try await request.decode(as: FollowAnswerRequest.self, context: context)
            try await FollowUseCase(node: node).decline(name: try context.parameters.require("name"), follower: input.actor)
            return Response(status: .noContent)
        }
        api.post("organizations/:name/news") { request, context in
            let input = try await request.decode(as: NewsRequest.self, context: context)
            let id = try await NewsUseCase(node: node).publish(name: try context.parameters.require("name"), text: input.content)
            return EditedResponse(status: .created, response: CreatedResponse(id: id))
        }
        api.patch("organizations/:name/news/:id") { request, context in
            let input = try await request.decode(as: NewsRequest.self, context: context)
            let id = node.uris.object(try context.parameters.require("id"))
            try await NewsUseCase(node: node).update(name: try context.parameters.require("name"), objectID: id, text: input.content)
            return Response(status: .noContent)
        }
        api.delete("organizations/:name/news/:id") { _, context in
            let id = node.uris.object(try context.parameters.require("id"))
            try await NewsUseCase(node: node).delete(name: try context.parameters.require("name"), objectID: id)
            return Response(status: .noContent)
        }
        api.post("organizations/:name/events") { request, context in
            let input = try await request.decode(as: EventRequest.self, context: context)
            let id = try await EventUseCase(node: node).publish(name: try context.parameters.require("name"), draft: try input.draft())
            return EditedResponse(status: .created, response: CreatedResponse(id: id))
        }
        api.put("organizations/:name/events/:id") { request, context in
            let input = try await request.decode(as: EventRequest.self, context: context)
            let id = node.uris.object(try context.parameters.require("id"))
            try await EventUseCase(node: node).update(name: try context.parameters.require("name"), objectID: id, draft: try input.draft())
            return Response(status: .noContent)
        }
        api.delete("organizations/:name/events/:id") { _, context in
            let id = node.uris.object(try context.parameters.require("id"))
            try await EventUseCase(node: node).delete(name: try context.parameters.require("name"), objectID: id)
            return Response(status: .noContent)
        }
        api.get("organizations/:name/events/:id/attendees") { _, context in
            let id = node.uris.object(try context.parameters.require("id"))
            let attendees = try await ParticipationUseCase(node: node).attendees(name: try context.parameters.require("name"), eventID: id)
            return AttendeesResponse(count: attendees.count, actors: attendees)
        }
        for (action, approve) in [("approve", true), ("decline", false)] {
            api.post("organizations/:name/events/:id/participants/\(action)") { request, context in
                let input = try await request.decode(as: FollowAnswerRequest.self, context: context)
                let id = node.uris.object(try context.parameters.require("id"))
                try await ParticipationUseCase(node: node).decide(
                    name: try context.parameters.require("name"), eventID: id, participantID: input.actor, approve: approve)
                return Response(status: .noContent)
            }
        }
        api.post("organizations/:name/participations") { request, context in
            let input = try await request.decode(as: ParticipationRequest.self, context: context)
            let state = try await ParticipationUseCase(node: node).join(name: try context.parameters.require("name"), eventID: input.event)
            return EditedResponse(status: .accepted, response: ParticipationResponse(event: input.event, state: state))
        }
        api.delete("organizations/:name/participations") { request, context in
            let input = try await request.decode(as: ParticipationRequest.self, context: context)
            try await ParticipationUseCase(node: node).leave(name: try context.parameters.require("name"), eventID: input.event)
            return Response(status: .noContent)
        }
        api.post("organizations/:name/articles") { request, context in
            let input = try await request.decode(as: ArticleRequest.self, context: context)
            let id = try await ArticleUseCase(node: node).publish(name: try context.parameters.require("name"), draft: try input.draft())
            return EditedResponse(status: .created, response: CreatedResponse(id: id))
        }
        api.delete("organizations/:name/articles/:id") { _, context in
            let id = node.uris.object(try context.parameters.require("id"))
            try await ArticleUseCase(node: node).delete(name: try context.parameters.require("name"), objectID: id)
            return Response(status: .noContent)
        }
        api.post("organizations/:name/announces") { request, context in
            let input = try await request.decode(as: AnnounceRequest.self, context: context)
            let id = try await AnnounceUseCase(node: node).announce(name: try context.parameters.require("name"), objectID: input.object)
            return EditedResponse(status: .created, response: CreatedResponse(id: id))
        }
        api.get("openapi.json") { _, _ in
            Response.json(CanonicalJSON.encode(OpenAPIDocument.document(serverURL: node.uris.base)))
        }
        api.get("queue") { _, _ in
            try await QueueUseCase(node: node).status()
        }
        api.get("reports") { _, _ in
            try await ReportUseCase(node: node).list().map(ReportResponse.init)
        }
        api.get("blocks") { _, _ in
            try await BlockUseCase(node: node).list().map(BlockResponse.init)
        }
        api.post("blocks") { request, context in
            let input = try await request.decode(as: BlockRequest.self, context: context)
            let blocks = BlockUseCase(node: node)
            let outcome = switch try input.target() {
            case .domain(let domain): try await blocks.block(domain: domain, reason: input.reason)
            case .actor(let actor): try await blocks.block(actor: actor, reason: input.reason)
            }
            return EditedResponse(status: .created, response: BlockAddedResponse(outcome))
        }
        api.delete("blocks") { request, context in
            let input = try await request.decode(as: BlockRequest.self, context: context)
            switch try input.target() {
            case .domain(let value): try await BlockUseCase(node: node).unblock(value)
            case .actor(let value): try await BlockUseCase(node: node).unblock(value, actor: true)
            }
            return Response(status: .noContent)
        }
    }
}

/// Requires `Authorization: Bearer <admin token>`.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let node: Node

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw DomainError.unauthorized("token.missing", "send an admin token as 'Authorization: Bearer TOKEN'")
        }
        try await AdminTokenUseCase(node: node).authenticate(String(header.dropFirst(7)))
        return try await next(request, context)
    }
}

struct CreateOrganizationRequest: Decodable {
    var name: String
    var displayName: String?
    var summary: String?
}

struct FollowRequest: Decodable {
    /// `acct:name@host`, `name@host` or an actor IRI.
    var handle: String
}

struct FollowAnswerRequest: Decodable {
    /// The follower's actor IRI.
    var actor: String
}

struct NewsRequest: Decodable {
    /// Plain text; blank lines separate paragraphs.
    var content: String
}

/// An event as the API takes it; times are RFC 3339 (`2026-12-01T18:00:00+01:00`).
struct EventRequest: Decodable {
    var name: String
    var description: String?
    var startTime: String
    var endTime: String?
    var timezone: String
    var location: EventDraft.Location?
    /// Read as any number, so that 1.5 or 1e20 is refused naming the field (`JSONDecoder` refuses
    /// a number that does not fit an `Int` without saying where).
    var maximumAttendeeCapacity: Double?
    var fieldsOfWork: [String]?
    var joinMode: EventDraft.JoinMode?
    var externalParticipationUrl: String?
    var eventStatus: EventDraft.Status?
    var category: [String]?

    func draft() throws -> EventDraft {
        guard let start = Timestamp.date(startTime) else {
            throw DomainError.invalid(field: "startTime", reason: "must be an RFC 3339 date-time")
        }
        var end: Date?
        if let endTime {
            guard let parsed = Timestamp.date(endTime) else {
                throw DomainError.invalid(field: "endTime", reason: "must be an RFC 3339 date-time")
            }
            end = parsed
        }
        var capacity: Int?
        if let maximumAttendeeCapacity {
            guard let whole = Int(exactly: maximumAttendeeCapacity) else {
                throw DomainError.invalid(field: "maximumAttendeeCapacity", reason: "must be a whole number between 1 and 1,000,000")
            }
            capacity = whole
        }
        var draft = EventDraft(
            name: name, description: description, startTime: start, endTime: end, timezone: timezone, location: location,
            maximumAttendeeCapacity: capacity)
        draft.fieldsOfWork = fieldsOfWork ?? []
        draft.joinMode = joinMode ?? .free
        draft.externalParticipationUrl = externalParticipationUrl
        draft.status = eventStatus ?? .scheduled
        draft.categories = category ?? []
        return draft
    }
}

/// A report, guide, tool review or funding call as the API takes it.
struct ArticleRequest: Decodable {
    struct Funding: Decodable {
        var deadline: String
        var minAmount: Double?
        var maxAmount: Double?
        var currency: String?
        var eligibility: String?
        var applicationURL: String
        var funder: String?
    }

    var kind: String
    var title: String
    var summary: String?
    var content: String
    var language: String
    var fieldsOfWork: [String]?
    var funding: Funding?
    /// The article in other languages, by BCP 47 tag.
    var translations: [String: ArticleDraft.Translation]?

    func draft() throws -> ArticleDraft {
        guard let kind = ArticleDraft.Kind(rawValue: kind) else {
            throw DomainError.invalid(
                field: "kind", reason: "must be one of \(ArticleDraft.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var details: ArticleDraft.Funding?
        if let funding {
            guard let deadline = Timestamp.date(funding.deadline) else {
                throw DomainError.invalid(field: "funding.deadline", reason: "must be an RFC 3339 date-time")
            }
            details = ArticleDraft.Funding(
                deadline: deadline, minAmount: funding.minAmount, maxAmount: funding.maxAmount, currency: funding.currency,
                eligibility: funding.eligibility, applicationURL: funding.applicationURL, funder: funding.funder)
        }
        var draft = ArticleDraft(
            kind: kind, title: title, summary: summary, content: content, language: language, fieldsOfWork: fieldsOfWork ?? [],
            funding: details)
        draft.translations = translations ?? [:]
        return draft
    }
}

struct AnnounceRequest: Decodable {
    /// The IRI of the public object to share, here or on another server.
    var object: String
}

struct AttendeesResponse: ResponseEncodable {
    var count: Int
    var actors: [String]
}

struct ParticipationRequest: Decodable {
    /// The event's IRI, on this node or another.
    var event: String
}

struct ParticipationResponse: ResponseEncodable {
    var event: String
    /// `pending` until a remote organiser answers; `accepted` or `rejected` for local events.
    var state: String
}

/// A domain or an actor to block or unblock: exactly one of the two.
struct BlockRequest: Decodable {
    var domain: String?
    var actor: String?
    var reason: String?

    enum Target {
        case domain(String), actor(String)
    }

    func target() throws -> Target {
        switch (domain, actor) {
        case (let domain?, nil): .domain(domain)
        case (nil, let actor?): .actor(actor)
        default: throw DomainError.invalid(field: "domain", reason: "give either a domain or an actor")
        }
    }
}

/// A report forwarded by another server's moderators.
struct ReportResponse: ResponseEncodable {
    var id: Int64
    var reporter: String
    var objects: [String]
    var comment: String?
    var receivedAt: String

    init(_ record: ReportRecord) {
        id = record.id ?? 0
        reporter = record.reporterId
        objects = record.objectIDs
        comment = record.comment
        receivedAt = Timestamp.string(record.receivedAt)
    }
}

struct BlockResponse: ResponseEncodable {
    var value: String
    var kind: String
    var reason: String?
    var createdAt: String

    init(_ record: BlockRecord) {
        value = record.value
        kind = record.kind.rawValue
        reason = record.reason
        createdAt = Timestamp.string(record.createdAt)
    }
}

/// A new block and what it removed.
struct BlockAddedResponse: ResponseEncodable {
    struct Removed: Encodable {
        var actors: Int
        var objects: Int
        var deliveries: Int
    }
    var block: BlockResponse
    var removed: Removed

    init(_ outcome: BlockUseCase.Outcome) {
        block = BlockResponse(outcome.block)
        removed = Removed(actors: outcome.removedActors, objects: outcome.removedObjects, deliveries: outcome.failedDeliveries)
    }
}

struct CreatedResponse: ResponseEncodable {
    var id: String
}

struct OrganizationResponse: ResponseEncodable {
    var id: String
    var name: String
    var handle: String
    var displayName: String?
    var summary: String?

    init(_ actor: ActorProfile) {
        id = actor.id
        name = actor.preferredUsername
        handle = actor.handle
        displayName = actor.name
        summary = actor.summary
    }
}

struct FollowResponse: ResponseEncodable {
    var follower: String
    var followee: String
    var state: String

    init(_ relation: FollowRelation) {
        follower = relation.followerID
        followee = relation.followeeID
        state = relation.state.rawValue
    }
}

struct FollowRequestsResponse: ResponseEncodable {
    var actors: [String]
}

extension QueueUseCase.Status: ResponseEncodable {}
