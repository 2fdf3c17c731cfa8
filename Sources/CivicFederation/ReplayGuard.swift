import Crypto
import Foundation

/// Remembers every verified (keyId, signature) pair for as long as its signature could pass the
/// date window, so that a captured request cannot be sent again. Pairs are kept as 128-bit
/// hashes in hourly buckets; when more than `capacity` are held, the oldest bucket goes first
/// (protection narrows under a flood rather than memory growing without bound).
package final class ReplayGuard: @unchecked Sendable {
    private struct Fingerprint: Hashable {
        var high: UInt64
        var low: UInt64
    }

    /// How long a pair is remembered: the signature window (12 h back, 1 h ahead) and a margin.
    package static let memory: TimeInterval = 14 * 3600
    package let capacity: Int
    private let lock = NSLock()
    /// Hour number → fingerprints first seen in that hour.
    private var buckets: [Int: Set<Fingerprint>] = [:]
    private var count = 0

    package init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// True the first time a pair is seen within the memory; false for a replay.
    package func firstUse(keyID: String, signature: Data, at now: Date) -> Bool {
        var hasher = SHA256()
        hasher.update(data: Data(keyID.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: signature)
        let digest = Array(hasher.finalize())
        let fingerprint = Fingerprint(
            high: digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, low: digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        let hour = Int(now.timeIntervalSince1970 / 3600)
        return lock.withLock {
            for (bucket, members) in buckets where bucket < hour - Int(Self.memory / 3600) {
                count -= members.count
                buckets[bucket] = nil
            }
            if buckets.values.contains(where: { $0.contains(fingerprint) }) { return false }
            while count >= capacity, let oldest = buckets.keys.min() {
                count -= buckets[oldest]?.count ?? 0
                buckets[oldest] = nil
            }
            buckets[hour, default: []].insert(fingerprint)
            count += 1
            return true
        }
    }
}
