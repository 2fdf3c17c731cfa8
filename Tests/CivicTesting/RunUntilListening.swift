import Foundation
import Hummingbird

/// Runs the application `makeApp` builds and returns its task once the server listens.
///
/// `makeApp` gets the callback to call when the server is running. If the application ends before
/// that (its port was taken, say), this throws why, rather than waiting for a start that will
/// never come.
package func runUntilListening<App: ApplicationProtocol>(
    on port: Int, _ makeApp: (_ listening: @escaping @Sendable () -> Void) -> App
) async throws -> Task<Void, any Error> {
    let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
    let app = makeApp { readyContinuation.yield() }
    let task = Task {
        defer { readyContinuation.finish() }
        try await app.runService(gracefulShutdownSignals: [])
    }
    for await _ in ready { return task }
    // Here the application ended, or the caller was cancelled: stop the server either way.
    task.cancel()
    if case .failure(let error) = await task.result { throw ServerDidNotListen(port: port, reason: "\(error)") }
    throw ServerDidNotListen(port: port, reason: Task.isCancelled ? "cancelled" : "it stopped first")
}

/// A test server that ended before it listened.
package struct ServerDidNotListen: Error, CustomStringConvertible {
    package var port: Int
    package var reason: String
    package var description: String { "the server on 127.0.0.1:\(port) did not listen: \(reason)" }
}
