import CivicStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the queues from growing for ever: deletes inbox items and deliveries that finished more
/// than `days` days ago, once at start and then every `interval`. Pending rows are never deleted.
package struct QueueRetention: Service {
    let node: Node
    let days: Int
    let interval: Duration

    package init(node: Node, days: Int, interval: Duration = .seconds(3600)) {
        precondition(days > 0, "a retention of 0 days means keeping everything: do not run the service")
        self.node = node
        self.days = days
        self.interval = interval
    }

    package func run() async throws {
        // Returns on graceful shutdown: the sleep throws once cancelled.
        try? await cancelWhenGracefulShutdown {
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
