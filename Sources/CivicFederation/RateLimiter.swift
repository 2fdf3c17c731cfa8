import Foundation

/// Token buckets per key (a client address, a remote host): `perMinute` requests a minute,
/// bursts up to a minute's worth. Keys are bounded: when more than `maxKeys` are held, buckets
/// that have filled up again are forgotten (a forgotten key starts full, so nobody gains).
package final class RateLimiter: @unchecked Sendable {
    package let perMinute: Int
    package let maxKeys: Int
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    package init(perMinute: Int, maxKeys: Int = 100_000) {
        self.perMinute = perMinute
        self.maxKeys = maxKeys
    }

    /// How many keys are held now.
    package var keyCount: Int { lock.withLock { buckets.count } }

    /// Takes one token for `key`: nil when the request may go ahead, else the whole seconds
    /// until it may (for `Retry-After`).
    package func take(_ key: String, now: Date) -> Int? {
        let capacity = Double(perMinute), perSecond = Double(perMinute) / 60
        return lock.withLock {
            var bucket = buckets[key] ?? (capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * perSecond)
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            if buckets.count > maxKeys { forgetRefilled(now: now, capacity: capacity, perSecond: perSecond) }
            return nil
        }
    }

    /// The whole seconds until `key` has a token again, without taking one; nil when it has one.
    package func wait(_ key: String, now: Date) -> Int? {
        let capacity = Double(perMinute), perSecond = Double(perMinute) / 60
        return lock.withLock {
            guard let bucket = buckets[key] else { return nil }
            let tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * perSecond)
            return tokens >= 1 ? nil : max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
        }
    }

    private func forgetRefilled(now: Date, capacity: Double, perSecond: Double) {
        buckets = buckets.filter { $0.value.tokens + now.timeIntervalSince($0.value.at) * perSecond < capacity }
        if buckets.count > maxKeys { buckets.removeAll() }
    }
}
