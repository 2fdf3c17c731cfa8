import CivicFederation
import Foundation
import Testing

@Suite("Replayed signatures")
struct ReplayGuardTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func check(_ replays: ReplayGuard, _ signature: String, signedAt: Date, now: Date? = nil) -> ReplayGuard.Verdict {
        replays.check(keyID: "k", signature: Data(signature.utf8), signedAt: signedAt, now: now ?? signedAt)
    }

    @Test("A (keyId, signature) pair passes once; the same signature under another key, or once its date is out of the window, passes again")
    func onceWithinTheWindow() {
        let replays = ReplayGuard()
        let signature = Data(repeating: 7, count: 256)
        func check(_ keyID: String, _ signature: Data, after hours: Double) -> ReplayGuard.Verdict {
            replays.check(keyID: keyID, signature: signature, signedAt: Self.start, now: Self.start.addingTimeInterval(hours * 3600))
        }
        #expect(check("https://a.example/actor#main-key", signature, after: 0) == .firstUse)
        #expect(check("https://a.example/actor#main-key", signature, after: 12.5) == .replayed)
        #expect(check("https://b.example/actor#main-key", signature, after: 0) == .firstUse)
        #expect(check("https://a.example/actor#main-key", signature + [1], after: 0) == .firstUse)
        // Past the memory the date window refuses the request anyway; the pair is forgotten.
        #expect(check("https://a.example/actor#main-key", signature, after: 13.5) != .replayed)
    }

    @Test("Over capacity the earliest-signed pairs are forgotten, and signatures that old are refused from then on")
    func capacity() {
        let replays = ReplayGuard(capacity: 100)
        let later = Self.start.addingTimeInterval(60)
        for index in 0..<60 { #expect(Self.check(replays, "old-\(index)", signedAt: Self.start) == .firstUse) }
        for index in 0..<60 { #expect(Self.check(replays, "new-\(index)", signedAt: later) == .firstUse) }
        // The earliest-signed pairs were dropped to make room: replaying one is refused as too old,
        // and so is a new signature from that time; the later pairs are all still known.
        guard case .tooOld(let floor) = Self.check(replays, "old-0", signedAt: Self.start, now: later) else {
            Issue.record("a forgotten pair was accepted again")
            return
        }
        #expect(floor > Self.start && floor <= later)
        #expect(Self.check(replays, "fresh", signedAt: Self.start, now: later) == .tooOld(floor: floor))
        #expect((0..<60).allSatisfy { Self.check(replays, "new-\($0)", signedAt: later) == .replayed })
        #expect(Self.check(replays, "fresh", signedAt: later) == .firstUse)
    }

    @Test("Pairs are forgotten in the order they were signed, not the order they arrived")
    func signingOrder() {
        let replays = ReplayGuard(capacity: 3)
        let early = Self.start, middle = Self.start.addingTimeInterval(30), late = Self.start.addingTimeInterval(60)
        #expect(Self.check(replays, "late", signedAt: late) == .firstUse)
        #expect(Self.check(replays, "early", signedAt: early, now: late) == .firstUse)
        #expect(Self.check(replays, "middle", signedAt: middle, now: late) == .firstUse)
        #expect(Self.check(replays, "late-2", signedAt: late) == .firstUse)
        // Room came from the earliest signature, although it arrived second.
        #expect(Self.check(replays, "early", signedAt: early, now: late) == .tooOld(floor: Self.start.addingTimeInterval(10)))
        #expect(Self.check(replays, "middle", signedAt: middle, now: late) == .replayed)
        #expect(Self.check(replays, "late", signedAt: late) == .replayed)
    }

    @Test("A flood signed within one moment narrows the window to the present instead of forgetting a pair it will accept again")
    func floodInOneSlot() {
        let replays = ReplayGuard(capacity: 10)
        for index in 0..<10 { #expect(Self.check(replays, "flood-\(index)", signedAt: Self.start) == .firstUse) }
        #expect(Self.check(replays, "flood-10", signedAt: Self.start) == .tooOld(floor: Self.start.addingTimeInterval(10)))
        #expect(Self.check(replays, "flood-0", signedAt: Self.start) == .tooOld(floor: Self.start.addingTimeInterval(10)))
        #expect(Self.check(replays, "next", signedAt: Self.start.addingTimeInterval(10)) == .firstUse)
    }
}
