import CivicFederation
import CivicModel
import CivicNode
import Hummingbird
import NIOCore

/// The request context: Hummingbird's, plus the address of the peer that connected.
package struct CivicRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Per-client rate limits on the inbox and the admin API (429 with `Retry-After`), and a bound
/// on inbox requests in verification at once (503 with `Retry-After`), before any work is done.
struct AbuseLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limits: AbuseLimits
    let trustedProxies: [CIDR]
    let clock: any Clock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let isInbox = request.method == .post && (path == "/inbox" || path == "/actor/inbox" || (path.hasPrefix("/actors/") && path.hasSuffix("/inbox")))
        let limiter = isInbox ? limits.inboxPerClient : path.hasPrefix("/api/v1/") ? limits.apiPerClient : nil
        if let limiter, let wait = limiter.take(client(of: request, context: context), now: clock.now) {
            throw RateLimited(code: isInbox ? "rate.inbox" : "rate.api", message: "too many requests from this address; retry later", retryAfter: wait)
        }
        guard isInbox, let gate = limits.inboxInFlight else { return try await next(request, context) }
        guard gate.enter() else {
            var response = ErrorMiddleware<Context>.response(
                status: .serviceUnavailable, code: "inbox.busy", message: "the inbox is busy; retry in a few seconds")
            response.headers[.retryAfter] = "5"
            return response
        }
        defer { gate.leave() }
        return try await next(request, context)
    }

    /// The client's address: the connecting peer, or — when that is a trusted proxy — the
    /// right-most address in `X-Forwarded-For` that is not a trusted proxy itself.
    func client(of request: Request, context: Context) -> String {
        guard let peer = context.remoteAddress?.ipAddress else { return "unknown" }
        guard let address = IPAddress(peer), trustedProxies.contains(where: { $0.contains(address) }),
              let forwarded = request.headers[values: .init("X-Forwarded-For")!].last
        else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard let hopAddress = IPAddress(hop) else { return hop.prefix(64).description }
            if !trustedProxies.contains(where: { $0.contains(hopAddress) }) { return hop }
        }
        return peer
    }
}
