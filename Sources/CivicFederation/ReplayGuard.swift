import Crypto
import Foundation

/// Remembers every accepted (keyId, signature) pair until its signature could no longer pass the
/// date window, so that a captured request cannot be sent again.
///
/// Pairs are kept as 128-bit hashes, grouped by the ten seconds they were *signed* in. Past
/// `capacity` the earliest-signed group is forgotten and its time becomes a floor: from then on a
/// signature made at or before it is refused (`tooOld`), because it might be one of the forgotten.
/// Under a flood the accepted window narrows towards the present, where real senders sign; memory
/// stays bounded and no forgotten pair becomes replayable.
package final class ReplayGuard: @unchecked Sendable {
    package enum Verdict: Sendable, Equatable {
        /// Not seen before; now remembered.
        case firstUse
        /// This pair was accepted before.
        case replayed
        /// Signed at or before `floor`: the guard no longer remembers that time and cannot tell.
        case tooOld(floor: Date)
    }

    private struct Fingerprint: Hashable {
        var high: UInt64
        var low: UInt64
    }

    /// How long after its signing time a pair is kept: the signature window (12 h back) and a margin.
    package static let memory: TimeInterval = 13 * 3600
    /// Width of a group of signing times, in seconds.
    static let slot = 10
    package let capacity: Int
    private let lock = NSLock()
    private var seen: Set<Fingerprint> = []
    /// Pairs by the slot they were signed in; `slots` lists the occupied ones in ascending order.
    private var pairs: [Int: [Fingerprint]] = [:]
    private var slots: [Int] = []
    /// Signatures in this slot or earlier are refused.
    private var floor = Int.min

    /// At most `capacity` pairs (about 40–75 bytes each) are remembered.
    package init(capacity: Int = 100_000) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Checks a pair signed at `signedAt` (the signature's `created` or covered `Date`) and
    /// remembers it when it is new.
    package func check(keyID: String, signature: Data, signedAt: Date, now: Date) -> Verdict {
        var hasher = SHA256()
        var keyID = keyID
        keyID.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: signature)
        let fingerprint = hasher.finalize().withUnsafeBytes {
            Fingerprint(high: $0.loadUnaligned(as: UInt64.self), low: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        let slot = Self.slot(of: signedAt)
        return lock.withLock {
            let expired = Self.slot(of: now.addingTimeInterval(-Self.memory))
            while let oldest = slots.first, oldest < expired { forgetOldest() }
            guard !seen.contains(fingerprint) else { return .replayed }
            while slot > floor, seen.count >= capacity { forgetOldest() }
            guard slot > floor else { return .tooOld(floor: Date(timeIntervalSince1970: Double((floor + 1) * Self.slot))) }
            seen.insert(fingerprint)
            if pairs[slot] == nil {
                let position = slots.lastIndex { $0 < slot }.map { $0 + 1 } ?? 0
                slots.insert(slot, at: position)
            }
            pairs[slot, default: []].append(fingerprint)
            return .firstUse
        }
    }

    private static func slot(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / Double(slot)).rounded(.down))
    }

    private func forgetOldest() {
        let oldest = slots.removeFirst()
        for fingerprint in pairs.removeValue(forKey: oldest) ?? [] { seen.remove(fingerprint) }
        floor = max(floor, oldest)
    }
}
