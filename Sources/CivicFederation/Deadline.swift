import Synchronization

/// Runs `operation`, or gives up after `timeout`: returns nil then, and the operation is cancelled.
/// For waits that have no deadline of their own, such as reading a body that arrives a byte at a time.
///
/// Deadlines are kept by one sweeping task for the whole process (`DeadlineWatch`), to within a
/// tenth of a second: a `Task.sleep` per call, a dispatch timer armed and cancelled for every
/// inbox request, was ~4 % of the node's CPU under ingest.
package func withDeadline<T: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T? {
    try await DeadlineWatch.shared.run(within: timeout, operation)
}

/// Deadlines of many concurrent operations, checked by one task that sweeps every `resolution`
/// while any deadline is pending and stops when none is.
package final class DeadlineWatch: Sendable {
    package static let shared = DeadlineWatch(resolution: .milliseconds(100))

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var expire: @Sendable () -> Void
    }
    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextTicket: UInt64 = 0
        var sweeping = false
    }
    private let state = Mutex(State())
    let resolution: Duration

    package init(resolution: Duration) {
        self.resolution = resolution
    }

    /// Runs `operation` in a task of its own and cancels it if it is still running `timeout`
    /// from now; returns nil when that happened and the operation did not finish anyway.
    package func run<T: Sendable>(within timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        let task = Task { try await operation() }
        let ticket = watch(until: .now + timeout) { task.cancel() }
        let result = await withTaskCancellationHandler { await task.result } onCancel: { task.cancel() }
        let expired = forget(ticket)
        if case .failure = result, expired { return nil }
        return try result.get()
    }

    /// Calls `expire` at `deadline` (or up to `resolution` later) unless `forget` comes first.
    private func watch(until deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        let (ticket, startSweeping) = state.withLock { state in
            state.nextTicket += 1
            state.entries[state.nextTicket] = Entry(deadline: deadline, expire: expire)
            let startSweeping = !state.sweeping
            state.sweeping = true
            return (state.nextTicket, startSweeping)
        }
        if startSweeping { Task { await sweep() } }
        return ticket
    }

    /// Stops watching `ticket`; true when its deadline had already passed and `expire` was called.
    private func forget(_ ticket: UInt64) -> Bool {
        state.withLock { $0.entries.removeValue(forKey: ticket) == nil }
    }

    /// The number of deadlines pending (for tests).
    package var pending: Int { state.withLock { $0.entries.count } }

    private func sweep() async {
        while true {
            try? await Task.sleep(for: resolution)
            let now = ContinuousClock.now
            let (due, done) = state.withLock { state -> ([Entry], Bool) in
                let due = state.entries.filter { $0.value.deadline <= now }
                for ticket in due.keys { state.entries[ticket] = nil }
                if state.entries.isEmpty { state.sweeping = false }
                return (Array(due.values), state.entries.isEmpty)
            }
            for entry in due { entry.expire() }
            if done { return }
        }
    }
}
