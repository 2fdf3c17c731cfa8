import CivicFederation
import Foundation
import Testing

@Suite("Delivery retry schedule")
struct RetryPolicyTests {
    @Test("Thirteen attempts spread over about three days, then give up")
    func schedule() {
        let total = RetryPolicy.schedule.reduce(0, +)
        #expect(RetryPolicy.schedule.count + 1 == 13)
        #expect((60 * 3600)...(75 * 3600) ~= total)
        let policy = RetryPolicy()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(policy.nextAttempt(after: 13, now: now, retryAfter: nil, jitterSeed: 1) == nil)
        #expect(policy.nextAttempt(after: 0, now: now, retryAfter: nil, jitterSeed: 1) == nil)
        for attempt in 1...12 {
            let next = policy.nextAttempt(after: attempt, now: now, retryAfter: nil, jitterSeed: Int64(attempt))
            let delay = next.map { $0.timeIntervalSince(now) } ?? -1
            let base = RetryPolicy.schedule[attempt - 1]
            #expect((base * 0.9)...(base * 1.1) ~= delay, "attempt \(attempt): \(delay)")
        }
    }

    @Test("A longer Retry-After is honoured")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let next = RetryPolicy().nextAttempt(after: 1, now: now, retryAfter: 600, jitterSeed: 7)
        #expect(next == now.addingTimeInterval(600))
    }
}
