import Foundation

/// Wakes a worker when there may be work: coalesces signals, and ticks on its own at `interval`
/// so that rows written by another process (the CLI on the same database) are picked up too.
package final class WakeSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    package init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the worker to look for work now.
    package func signal() {
        continuation.yield()
    }

    /// Runs `body` once now, then on every signal or tick, until the task is cancelled.
    func run(every interval: Duration, _ body: () async -> Void) async {
        let ticker = Task { [continuation] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                continuation.yield()
            }
        }
        defer { ticker.cancel() }
        await body()
        for await _ in stream {
            if Task.isCancelled { return }
            await body()
        }
    }

    /// Ends `run` loops.
    func finish() {
        continuation.finish()
    }
}
