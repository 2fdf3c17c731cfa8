import Crypto
import Foundation

/// Remembers every accepted (keyId, signature) pair for as long as its signature could pass the
/// date window, so that a captured request cannot be sent again. Pairs are kept as 128-bit
/// hashes, grouped by the minute they arrived in; past `capacity` the oldest minutes are
/// forgotten first (protection narrows under a flood rather than memory growing without bound).
package final class ReplayGuard: @unchecked Sendable {
    private struct Fingerprint: Hashable {
        var high: UInt64
        var low: UInt64
    }

    /// How long a pair is remembered: the signature window (12 h back, 1 h ahead) and a margin.
    package static let memory: TimeInterval = 14 * 3600
    package let capacity: Int
    private let lock = NSLock()
    private var seen: Set<Fingerprint> = []
    /// Arrival minute and the pairs first seen in it, oldest first.
    private var minutes: [(minute: Int, fingerprints: [Fingerprint])] = []

    package init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// True the first time a pair is seen within the memory, and then remembers it; false for a replay.
    package func firstUse(keyID: String, signature: Data, at now: Date) -> Bool {
        var hasher = SHA256()
        hasher.update(data: Data(keyID.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: signature)
        let digest = Array(hasher.finalize())
        let fingerprint = Fingerprint(
            high: digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, low: digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        let minute = Int(now.timeIntervalSince1970 / 60)
        return lock.withLock {
            while let oldest = minutes.first, oldest.minute < minute - Int(Self.memory / 60) { forgetOldest() }
            guard !seen.contains(fingerprint) else { return false }
            while seen.count >= capacity, !minutes.isEmpty { forgetOldest() }
            seen.insert(fingerprint)
            if let last = minutes.last, last.minute >= minute {
                minutes[minutes.count - 1].fingerprints.append(fingerprint)
            } else {
                minutes.append((minute, [fingerprint]))
            }
            return true
        }
    }

    private func forgetOldest() {
        for fingerprint in minutes.removeFirst().fingerprints { seen.remove(fingerprint) }
    }
}
