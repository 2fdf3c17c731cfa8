import CivicFederation
import Foundation
import Testing

@Suite("Replayed signatures")
struct ReplayGuardTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("A (keyId, signature) pair passes once; the same signature under another key, or later than the window, passes again")
    func onceWithinTheWindow() {
        let replays = ReplayGuard()
        let signature = Data(repeating: 7, count: 256)
        #expect(replays.firstUse(keyID: "https://a.example/actor#main-key", signature: signature, at: Self.start))
        #expect(!replays.firstUse(keyID: "https://a.example/actor#main-key", signature: signature, at: Self.start.addingTimeInterval(13 * 3600)))
        #expect(replays.firstUse(keyID: "https://b.example/actor#main-key", signature: signature, at: Self.start))
        #expect(replays.firstUse(keyID: "https://a.example/actor#main-key", signature: signature + [1], at: Self.start))
        // Past the memory the date window refuses the request anyway; the pair is forgotten.
        #expect(replays.firstUse(keyID: "https://a.example/actor#main-key", signature: signature, at: Self.start.addingTimeInterval(16 * 3600)))
    }

    @Test("Over capacity the oldest minute is forgotten first, and memory stays bounded")
    func capacity() {
        let replays = ReplayGuard(capacity: 100)
        for index in 0..<60 {
            #expect(replays.firstUse(keyID: "k", signature: Data("old-\(index)".utf8), at: Self.start))
        }
        for index in 0..<60 {
            #expect(replays.firstUse(keyID: "k", signature: Data("new-\(index)".utf8), at: Self.start.addingTimeInterval(60)))
        }
        // The first minute's pairs were dropped to make room; the second minute's are all still known.
        #expect(replays.firstUse(keyID: "k", signature: Data("old-0".utf8), at: Self.start.addingTimeInterval(60)))
        #expect((0..<60).allSatisfy { !replays.firstUse(keyID: "k", signature: Data("new-\($0)".utf8), at: Self.start.addingTimeInterval(60)) })
    }
}
