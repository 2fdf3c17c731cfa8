import Foundation

/// When a failed delivery is tried again: 13 attempts spread over about 70 hours, like
/// Mastodon's 16 over ~50–75 hours, with ±10 % jitter so retries to one host do not arrive together.
package struct RetryPolicy: Sendable {
    /// Delay after the n-th failed attempt (index 0 = after the first attempt).
    package static let schedule: [TimeInterval] = [
        15, 60, 5 * 60, 15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 18 * 3600, 24 * 3600,
    ]
    /// A host that failed on this many distinct UTC days is marked unavailable.
    package static let unavailableAfterDays = 3
    /// How often an unavailable host is probed with one delivery.
    package static let unavailableProbeInterval: TimeInterval = 24 * 3600

    package init() {}

    /// The next attempt after `attempts` failed ones (counting the one that just failed), or nil to give up.
    /// A server's Retry-After is honoured when it asks for longer.
    package func nextAttempt(after attempts: Int, now: Date, retryAfter: Double?, jitterSeed: Int64) -> Date? {
        guard attempts >= 1, attempts <= Self.schedule.count else { return nil }
        let base = Self.schedule[attempts - 1]
        // Deterministic jitter from the delivery id: reproducible, yet spread across deliveries.
        let fraction = Double((UInt64(bitPattern: jitterSeed) &* 0x9E37_79B9_7F4A_7C15) % 2001) / 10_000 - 0.1
        let delay = max(base * (1 + fraction), retryAfter ?? 0)
        return now.addingTimeInterval(delay)
    }
}
