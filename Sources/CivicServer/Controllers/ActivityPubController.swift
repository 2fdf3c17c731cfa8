import CivicCrypto
import CivicModel
import CivicNode
import CivicVocabulary
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Actor documents, their collections, stored activities, and the inboxes.
struct ActivityPubController<Context: RequestContext> {
    let node: Node

    func addRoutes(to router: Router<Context>) {
        router.get("actor", use: instanceActor)
        router.get("actor/outbox") { request, _ -> Response in
            .activityJSON(try await CollectionUseCase(node: node).instanceCollection(.outbox, page: try page(request)))
        }
        router.get("actors/:name", use: actor)
        for kind in [CollectionUseCase.Kind.outbox, .followers, .following] {
            router.get("actors/:name/\(kind.rawValue)") { request, context -> Response in
                let name = try context.parameters.require("name")
                return .activityJSON(try await CollectionUseCase(node: node).collection(kind, of: name, page: try page(request)))
            }
        }
        router.get("actors/:name/events.ics") { _, context -> Response in
            let name = try context.parameters.require("name")
            let actor = try await ActorUseCase(node: node).localActor(named: name)
            let events = try await EventUseCase(node: node).events(of: name)
            let text = CalendarFeed.render(events: events, calendarName: actor.name ?? name, now: node.clock.now)
            return Response(
                status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("actors/:name/feed.atom") { _, context -> Response in
            let (actor, news) = try await NewsUseCase(node: node).feed(of: try context.parameters.require("name"))
            let xml = AtomFeed.render(actor: actor, entries: news, now: node.clock.now)
            return Response(
                status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
        let feeds: [(String, FeedUseCase.Scope)] = [
            ("feeds", .local), ("feeds/fields/:field", .local), ("feeds/discover", .discovery), ("feeds/discover/fields/:field", .discovery),
        ]
        /// "CivicHub HOST · discover · Field" for the node-wide feeds.
        @Sendable func feedTitle(_ scope: FeedUseCase.Scope, _ field: String?) -> String {
            "CivicHub \(node.uris.authority)" + (scope == .discovery ? " · discover" : "")
                + (field.flatMap(FieldOfWork.named).flatMap { $0.labels["en"] }.map { " · \($0)" } ?? "")
        }
        for (prefix, scope) in feeds {
            router.get("\(prefix)/events.ics") { _, context -> Response in
                let field = context.parameters.get("field")
                let events = try await FeedUseCase(node: node).events(field: field, scope: scope)
                let title = feedTitle(scope, field)
                let text = CalendarFeed.render(events: events, calendarName: title, now: node.clock.now)
                return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            router.get("\(prefix)/news.atom") { _, context -> Response in
                let field = context.parameters.get("field")
                let entries = try await FeedUseCase(node: node).publications(field: field, scope: scope)
                let title = feedTitle(scope, field)
                // The feed's id is its canonical URL, whatever spelling of the path was asked for
                // (`//feeds//news.atom`); `field` is a known field of work by now.
                let path = "/\(prefix)/news.atom".replacingOccurrences(of: ":field", with: field ?? "")
                let xml = AtomFeed.render(
                    title: title, author: node.uris.authority, feedURL: node.uris.base + path, page: node.uris.base,
                    entries: entries, now: node.clock.now)
                return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
            }
        }
        router.get("discover") { request, _ -> Response in
            // An empty `field=` (a form submitted without a choice) means every field.
            let field = request.uri.queryParameters.get("field").flatMap { $0.isEmpty ? nil : String($0) }
            let found = try await FeedUseCase(node: node).discovery(field: field)
            return .html(WebPages.discover(
                node: node, field: field.flatMap(FieldOfWork.named), events: found.events, publications: found.publications,
                authors: found.authors))
        }
        router.get("ns/civic") { _, _ -> Response in
            .json(CanonicalJSON.encode(CivicContext.document), contentType: "application/ld+json; charset=utf-8")
        }
        router.get("activities/:id", use: activity)
        router.get("objects/:id", use: object)
        router.get("objects/:id/attendees") { _, context -> Response in
            let id = node.uris.object(try context.parameters.require("id"))
            return .activityJSON(try await ParticipationUseCase(node: node).attendeesCollection(eventID: id))
        }
        router.post("inbox", use: inbox)
        router.post("actor/inbox", use: inbox)
        router.post("actors/:name/inbox", use: inbox)
    }

    @Sendable func instanceActor(_ request: Request, context: Context) async throws -> Response {
        .activityJSON(bytes: try await DocumentUseCase(node: node).instanceActor())
    }

    @Sendable func actor(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        if ActivityPubMediaType.isRequested(by: request) { return .activityJSON(bytes: try await DocumentUseCase(node: node).actor(named: name)) }
        return .html(WebPages.actor(try await ActorUseCase(node: node).localActor(named: name)))
    }

    @Sendable func activity(_ request: Request, context: Context) async throws -> Response {
        let id = node.uris.activity(try context.parameters.require("id"))
        let document = try await DocumentUseCase(node: node).activity(id: id)
        return .activityJSON(bytes: document.bytes, status: document.gone ? .gone : .ok)
    }

    @Sendable func object(_ request: Request, context: Context) async throws -> Response {
        let id = node.uris.object(try context.parameters.require("id"))
        let document = try await DocumentUseCase(node: node).object(id: id)
        return .activityJSON(bytes: document.bytes, status: document.gone ? .gone : .ok)
    }

    /// Verify → persist → 202; the inbox worker does the rest. (`InboxFastPath` takes most inbox
    /// POSTs off the connection before they reach the router: the same work, shared in
    /// `InboxEndpoint`.)
    @Sendable func inbox(_ request: Request, context: Context) async throws -> Response {
        let endpoint = InboxEndpoint(node: node)
        let target = context.parameters.get("name").map(InboxEndpoint.Target.actor) ?? .shared
        if let refusal = try await endpoint.unknownActor(target) { throw refusal }
        if let refusal = InboxEndpoint.refusal(contentType: request.headers[.contentType], contentLength: request.headers[.contentLength]) {
            throw refusal
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: InboxEndpoint.maxBytes)
        } catch is NIOTooManyBytesError {
            throw InboxEndpoint.tooLarge
        }
        try await endpoint.receive(
            method: request.method.rawValue, path: request.uri.description, authority: request.head.authority, headers: request.headers,
            body: body)
        return Response(status: .accepted)
    }

    private func page(_ request: Request) throws -> Int? {
        guard let text = request.uri.queryParameters.get("page") else { return nil }
        guard let page = Int(text) else { throw DomainError.invalid(field: "page", reason: "must be a whole number") }
        return page
    }
}
