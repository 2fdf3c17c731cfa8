import CivicFederation
import Testing

@Suite("Deadlines kept by one sweeping task", .timeLimit(.minutes(1)))
struct DeadlineTests {
    struct Failure: Error, Equatable {}

    @Test("An operation that ends in time gives its value or its error, and nothing stays watched")
    func inTime() async throws {
        let watch = DeadlineWatch(resolution: .milliseconds(20))
        #expect(try await watch.run(within: .seconds(10)) { 42 } == 42)
        await #expect(throws: Failure.self) { try await watch.run(within: .seconds(10)) { () async throws -> Int in throw Failure() } }
        #expect(watch.pending == 0)
    }

    @Test("An operation still running at its deadline is cancelled and gives nil")
    func pastTheDeadline() async throws {
        let watch = DeadlineWatch(resolution: .milliseconds(20))
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await watch.run(within: .milliseconds(200)) { () async throws -> Int in
            try await Task.sleep(for: .seconds(3600))
            return 1
        }
        #expect(result == nil)
        // Cancelled, not left to the hour the operation would take. The bound is loose: in a full
        // run this test's tasks wait behind hundreds of others for two threads.
        #expect(clock.now - started < .seconds(50))
        #expect(watch.pending == 0)
    }

    @Test("Cancelling the caller cancels the operation")
    func callerCancelled() async throws {
        let watch = DeadlineWatch(resolution: .milliseconds(20))
        let caller = Task {
            try await watch.run(within: .seconds(60)) { () async throws -> Int in
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(watch.pending == 0)
    }

    @Test("Hundreds of concurrent deadlines: those in time give their values, the others nil, and the sweeper stops when none is left")
    func concurrent() async throws {
        let watch = DeadlineWatch(resolution: .milliseconds(20))
        let results = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
            for index in 0..<300 {
                group.addTask {
                    let value = try await watch.run(within: index.isMultiple(of: 2) ? .seconds(20) : .milliseconds(100)) { () async throws -> Int in
                        if !index.isMultiple(of: 2) { try await Task.sleep(for: .seconds(30)) }
                        return index
                    }
                    return (index, value)
                }
            }
            return try await group.reduce(into: [(Int, Int?)]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.0)).count == 300)
        #expect(results.allSatisfy { index, value in value == (index.isMultiple(of: 2) ? index : nil) })
        #expect(watch.pending == 0)
        // A deadline after the sweeper stopped starts it again.
        #expect(try await watch.run(within: .milliseconds(100)) { () async throws -> Int in try await Task.sleep(for: .seconds(30)); return 1 } == nil)
    }
}
