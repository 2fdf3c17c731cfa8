import CivicFederation
import CivicModel
import CivicNode
import Foundation
import Hummingbird
import NIOCore

/// The request context: Hummingbird's, plus the address of the peer that connected.
package struct CivicRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    package let remoteAddress: SocketAddress?
    /// API bodies are read by the node's JSON parser first (`APIRequestDecoder`).
    package var requestDecoder: APIRequestDecoder { APIRequestDecoder() }

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Per-client rate limits on the inbox and the admin API (429 with `Retry-After`), before any
/// work is done, and a separate allowance for API requests refused for their token. (The bound
/// on inbox requests in verification sits in the inbox handler, after the body has arrived, so
/// that slow uploads cannot hold its places.)
struct AbuseLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limits: AbuseLimits
    let trustedProxies: [CIDR]
    let clock: any Clock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/")
        let isInbox = request.method == .post && InboxEndpoint.target(ofPath: request.uri.path) != nil
        let isAPI = segments.starts(with: ["api", "v1"])
        guard isInbox || isAPI else { return try await next(request, context) }
        let client = client(of: request, context: context)
        if let refusal = Self.overAllowance(client, inbox: isInbox, limits: limits, now: clock.now) { throw refusal }
        guard isAPI, let failures = limits.apiAuthFailuresPerClient else { return try await next(request, context) }
        // Token guessing: after so many wrong tokens, even a right one waits for the allowance.
        if let wait = failures.wait(client, now: clock.now) {
            throw RateLimited(code: "rate.authFailures", message: "too many requests with a wrong admin token from this address; retry later", retryAfter: wait)
        }
        do {
            return try await next(request, context)
        } catch let error as DomainError where error.kind == .unauthorized {
            _ = failures.take(client, now: clock.now)
            throw error
        }
    }

    /// The client a request is counted for: the connecting peer, or — when that is a trusted
    /// proxy — the right-most address in `X-Forwarded-For` that is not a trusted proxy itself
    /// (a proxy that appends, like nginx's `$proxy_add_x_forwarded_for`, puts the real client
    /// there; what the client wrote stays to its left). IPv6 clients count per /64.
    func client(of request: Request, context: Context) -> String {
        Self.client(peer: context.remoteAddress, headers: request.headers, trustedProxies: trustedProxies)
    }

    static func client(peer socket: SocketAddress?, headers: HTTPFields, trustedProxies: [CIDR]) -> String {
        guard let socket, let peer = IPAddress(socket).map(Self.plain) else { return "unknown" }
        guard trustedProxies.contains(where: { $0.contains(peer) }),
              let forwarded = headers[values: .init("X-Forwarded-For")!].last
        else { return Self.key(peer) }
        for hop in forwarded.split(separator: ",").reversed() {
            guard let address = IPAddress(hop.trimmingCharacters(in: .whitespaces)).map(Self.plain) else { break }
            if !trustedProxies.contains(where: { $0.contains(address) }) { return Self.key(address) }
        }
        return Self.key(peer)
    }

    /// The refusal of one more request from `client`, to the inbox or else the API, when it is
    /// over its allowance (which the request is counted against otherwise).
    static func overAllowance(_ client: String, inbox: Bool, limits: AbuseLimits, now: Date) -> RateLimited? {
        guard let limiter = inbox ? limits.inboxPerClient : limits.apiPerClient, let wait = limiter.take(client, now: now) else { return nil }
        return RateLimited(code: inbox ? "rate.inbox" : "rate.api", message: "too many requests from this address; retry later", retryAfter: wait)
    }

    /// An IPv4-mapped IPv6 address as the IPv4 address it is.
    static func plain(_ address: IPAddress) -> IPAddress { address.embeddedIPv4 ?? address }

    /// The rate-limit key: the IPv4 address, or the /64 of an IPv6 one.
    static func key(_ address: IPAddress) -> String {
        address.isIPv4 ? address.description : address.bytes.prefix(8).map { String(format: "%02x", $0) }.joined() + "::/64"
    }
}
