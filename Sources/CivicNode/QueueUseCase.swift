import CivicStore
import Foundation

/// Queue health for admins and the CLI.
package struct QueueUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// Counts by state and the hosts marked unavailable.
    package struct Status: Sendable, Codable, Equatable {
        package var inbox: [String: Int]
        package var deliveries: [String: Int]
        package var unavailableHosts: [String]
    }

    package func status() async throws -> Status {
        Status(
            inbox: try await node.database.inboxCounts(),
            deliveries: try await node.database.deliveryCounts(),
            unavailableHosts: try await node.database.unavailableHosts().map(\.host))
    }

    /// Deletes queue rows that finished more than `days` days ago (`AppDatabase.pruneFinishedQueueRows`)
    /// and logs how many went.
    @discardableResult
    package func prune(olderThanDays days: Int) async throws -> PrunedQueueRows {
        let cutoff = node.clock.now.addingTimeInterval(-Double(days) * 86_400)
        let pruned = try await node.database.pruneFinishedQueueRows(before: cutoff)
        if pruned != PrunedQueueRows() {
            node.logger.info("queue.pruned", metadata: [
                "inbox.items": "\(pruned.inboxItems)", "deliveries": "\(pruned.deliveries)", "retention.days": "\(days)",
            ])
        }
        return pruned
    }

    /// Pending follow requests of a local organisation.
    package func followRequests(of name: String) async throws -> [String] {
        let actor = try await ActorUseCase(node: node).localActor(named: name)
        return try await node.database.follows(of: actor.id, direction: .followers, state: "pending", limit: 1000, offset: 0).ids
    }
}
