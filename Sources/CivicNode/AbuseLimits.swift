import CivicFederation
import Foundation

/// The node's limits on what one client or remote server may ask of it; nil limits are off.
package struct AbuseLimits: Sendable {
    /// Inbox POSTs per client address.
    package var inboxPerClient: RateLimiter?
    /// Inbox POSTs per remote server, counted after the signature verified (so that nobody can
    /// use up another server's allowance).
    package var inboxPerHost: RateLimiter?
    /// Admin API requests per client address.
    package var apiPerClient: RateLimiter?
    /// Inbox requests in verification at once.
    package var inboxInFlight: InFlightGate?
    /// Admin API requests with a missing or wrong token per client address; past it the client's
    /// API requests are refused until the allowance refills (login throttling for tokens).
    package var apiAuthFailuresPerClient: RateLimiter?
    /// Signatures already accepted (never off); the inbox checks it once every other check has passed.
    package var replays: ReplayGuard

    package init(
        inboxPerClient: Int = 0, inboxPerHost: Int = 0, apiPerClient: Int = 0, inboxInFlight: Int = 0, apiAuthFailuresPerClient: Int = 0,
        replayMemory: Int = 100_000
    ) {
        self.inboxPerClient = inboxPerClient > 0 ? RateLimiter(perMinute: inboxPerClient) : nil
        self.inboxPerHost = inboxPerHost > 0 ? RateLimiter(perMinute: inboxPerHost) : nil
        self.apiPerClient = apiPerClient > 0 ? RateLimiter(perMinute: apiPerClient) : nil
        self.inboxInFlight = inboxInFlight > 0 ? InFlightGate(limit: inboxInFlight) : nil
        self.apiAuthFailuresPerClient = apiAuthFailuresPerClient > 0 ? RateLimiter(perMinute: apiAuthFailuresPerClient) : nil
        replays = ReplayGuard(capacity: replayMemory)
    }
}

/// Counts work in progress and refuses more than `limit` at once (back-pressure instead of an
/// ever longer queue).
package final class InFlightGate: @unchecked Sendable {
    package let limit: Int
    private let lock = NSLock()
    private var running = 0

    package init(limit: Int) {
        self.limit = limit
    }

    /// Takes a place; false when all `limit` are taken. Give it back with `leave()`.
    package func enter() -> Bool {
        lock.withLock {
            guard running < limit else { return false }
            running += 1
            return true
        }
    }

    package func leave() {
        lock.withLock { running -= 1 }
    }
}
