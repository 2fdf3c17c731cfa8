import CivicStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the queues from growing for ever: deletes inbox items and deliveries that finished more
/// than `days` days ago (`QueueUseCase.prune`), first `firstPassAfter` after start and then every
/// `interval`. Pending rows are never deleted. Like the scheduled jobs of other servers, the
/// first pass waits: a node that has just started (perhaps after a crash, with a backlog) serves
/// and catches up first.
package struct QueueRetention: Service {
    let node: Node
    let days: Int
    let firstPassAfter: Duration
    let interval: Duration

    package init(node: Node, days: Int, firstPassAfter: Duration = .seconds(300), interval: Duration = .seconds(3600)) {
        precondition(days > 0, "a retention of 0 days means keeping everything: do not run the service")
        self.node = node
        self.days = days
        self.firstPassAfter = firstPassAfter
        self.interval = interval
    }

    package func run() async throws {
        // Returns on graceful shutdown or cancellation: the sleep throws then.
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: firstPassAfter)
            while !Task.isCancelled {
                do {
                    try await QueueUseCase(node: node).prune(olderThanDays: days)
                } catch {
                    if Task.isCancelled { return }
                    node.logger.error("queue.prune.failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
