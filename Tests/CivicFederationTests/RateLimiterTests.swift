import CivicFederation
import Foundation
import Testing

@Suite("Rate limits")
struct RateLimiterTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("A minute's worth passes at once, the next waits for its token, and keys are separate")
    func buckets() {
        let limiter = RateLimiter(perMinute: 60)
        for _ in 0..<60 { #expect(limiter.take("10.0.0.1", now: Self.start) == nil) }
        #expect(limiter.take("10.0.0.1", now: Self.start) == 1)
        #expect(limiter.take("10.0.0.2", now: Self.start) == nil)
        #expect(limiter.take("10.0.0.1", now: Self.start.addingTimeInterval(1)) == nil)
        #expect(limiter.take("10.0.0.1", now: Self.start.addingTimeInterval(1)) == 1)
        let slow = RateLimiter(perMinute: 2)
        #expect(slow.take("k", now: Self.start) == nil && slow.take("k", now: Self.start) == nil)
        #expect(slow.take("k", now: Self.start) == 30)
    }

    @Test("Memory is bounded: past maxKeys, refilled buckets are forgotten and busy ones kept")
    func bounded() {
        let limiter = RateLimiter(perMinute: 60, maxKeys: 10)
        for index in 0..<9 { _ = limiter.take("idle-\(index)", now: Self.start.addingTimeInterval(-120)) }
        for _ in 0..<60 { _ = limiter.take("busy", now: Self.start) }
        // The eleventh key pushes past maxKeys: the idle buckets (full again) go, the busy one stays empty.
        #expect(limiter.take("newcomer", now: Self.start) == nil)
        #expect(limiter.take("busy", now: Self.start) != nil)
        #expect(limiter.keyCount == 2)
    }
}
