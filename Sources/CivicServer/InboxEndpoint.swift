import CivicCrypto
import CivicModel
import CivicNode
import Foundation
import Hummingbird
import NIOCore

/// A POST to an inbox, whichever way it arrives: through the router, or taken off the connection
/// by `InboxFastPath`. Both read the path alike and do the same work once the body is in.
struct InboxEndpoint: Sendable {
    let node: Node
    /// Inbox bodies over this are refused with 413 before they are read further.
    static let maxBytes = 1 << 20

    /// The inbox a request path names.
    enum Target: Equatable {
        /// `/inbox` or the instance actor's `/actor/inbox`.
        case shared
        /// `/actors/NAME/inbox`.
        case actor(String)
    }

    /// The inbox `path` names, or nil: read as the router reads it (empty segments ignored,
    /// `//inbox/` is `/inbox`; the query is not part of it).
    static func target(ofPath path: some StringProtocol) -> Target? {
        let segments = (path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").split(separator: "/")
        switch segments.count {
        case 1 where segments[0] == "inbox": return .shared
        case 2 where segments[0] == "actor" && segments[1] == "inbox": return .shared
        case 3 where segments[0] == "actors" && segments[2] == "inbox": return .actor(String(segments[1]))
        default: return nil
        }
    }

    /// The refusal of an inbox of an actor not on this node (404).
    func unknownActor(_ target: Target) async throws -> DomainError? {
        guard case .actor(let name) = target, try await node.database.localActor(named: name) == nil else { return nil }
        return DomainError.notFound("actor.notFound", "no actor named \"\(name.prefix(64))\" on this node")
    }

    /// A refusal the head's fields decide: a body type the inbox does not take (415), or a body
    /// over the limit (413).
    static func refusal(contentType: String?, contentLength: String?) -> HTTPError? {
        guard ActivityPubMediaType.isInboxBody(contentType) else { return unsupportedMediaType }
        if let length = contentLength.flatMap(Int.init), length > maxBytes { return tooLarge }
        return nil
    }

    /// Verifies and stores a received activity, its body in full; throws the refusal otherwise.
    func receive(method: String, path: String, authority: String?, headers: HTTPFields, body: ByteBuffer) async throws {
        // Back-pressure: at most so many inbox requests in verification at once.
        if let gate = node.limits.inboxInFlight {
            guard gate.enter() else { throw Self.busy }
        }
        defer { node.limits.inboxInFlight?.leave() }
        var parts = headers.map { (name: $0.name.canonicalName, value: $0.value) }
        let authority = authority ?? ""
        if !parts.contains(where: { $0.name == "host" }) { parts.append((name: "host", value: authority)) }
        let request = HTTPRequestParts(
            method: method, path: path, authority: authority,
            scheme: node.uris.base.hasPrefix("https") ? "https" : "http", headers: parts, body: Data(buffer: body))
        _ = try await InboxUseCase(node: node).receive(request)
    }

    static var tooLarge: HTTPError {
        HTTPError(.contentTooLarge, message: "inbox bodies are limited to 1 MiB")
    }

    static var unsupportedMediaType: HTTPError {
        HTTPError(.unsupportedMediaType, message: "the inbox takes application/activity+json or application/ld+json")
    }

    static var busy: RateLimited {
        RateLimited(code: "inbox.busy", message: "the inbox is busy; retry in a few seconds", retryAfter: 5, busy: true)
    }
}
