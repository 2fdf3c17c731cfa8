import CivicFederation
import CivicModel
import CivicNode
import CivicServer
import CivicStore
import Foundation
import Hummingbird
import Logging
import LoopbackPorts

/// A live node in this process: real SQLite file in a temporary directory, real HTTP on a
/// loopback port, its workers running. Federation between test nodes is allowed only to the
/// exact loopback address they use.
package final class TestNode: Sendable {
    package let node: Node
    package let configuration: NodeConfiguration
    package let adminToken: String
    private let task: Task<Void, any Error>

    /// The base URL, e.g. `http://127.0.0.1:53211`.
    package var base: String { node.uris.base }
    package var database: AppDatabase { node.database }

    /// Starts a node on a free loopback port, with `dataDirectory` reused if given (restarts).
    package static func start(
        dataDirectory: String? = nil, port: Int? = nil, configure: (inout NodeConfiguration) -> Void = { _ in }
    ) async throws -> TestNode {
        var configuration = NodeConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = try port ?? freePort()
        configuration.dataDirectory = dataDirectory ?? temporaryDirectory()
        configuration.allowedPrivateAddresses = [CIDR("127.0.0.1/32")].compactMap { $0 }
        configure(&configuration)
        var logger = Logger(label: "test-node-\(configuration.port)")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let (node, token) = try await NodeBootstrap.open(configuration, logger: logger)
        do {
            let task = try await runUntilListening(on: configuration.port) { listening in
                buildApplication(node: node, configuration: configuration) { _ in listening() }
            }
            return TestNode(node: node, configuration: configuration, adminToken: token ?? "", task: task)
        } catch {
            try? await node.shutdown()
            throw error
        }
    }

    private init(node: Node, configuration: NodeConfiguration, adminToken: String, task: Task<Void, any Error>) {
        self.node = node
        self.configuration = configuration
        self.adminToken = adminToken
        self.task = task
    }

    /// Stops the server and workers and closes outbound connections.
    package func stop() async {
        task.cancel()
        _ = await task.result
        try? await node.shutdown()
    }

    /// Creates a local organisation.
    @discardableResult
    package func organization(_ name: String) async throws -> ActorProfile {
        try await ActorUseCase(node: node).createOrganization(name: name, displayName: name.capitalized, summary: "Test organisation \(name)")
    }

    /// The WebFinger handle of a local actor.
    package func handle(_ name: String) -> String { "acct:\(name)@\(node.uris.authority)" }

    /// True when nothing is pending in the inbox and no delivery is pending (due, waiting for a
    /// retry, or in flight): a delivery that failed transiently is waited for, not skipped.
    package func isQuiet() async throws -> Bool {
        guard try await database.inboxCounts()["pending", default: 0] == 0,
              try await database.deliveryCounts()["pending", default: 0] == 0
        else { return false }
        return try await node.deliveries.isIdle()
    }
}

/// Several live nodes that federate with each other over loopback.
package struct TestNetwork: Sendable {
    package let nodes: [TestNode]

    package static func start(count: Int, configure: (inout NodeConfiguration) -> Void = { _ in }) async throws -> TestNetwork {
        var nodes: [TestNode] = []
        for _ in 0..<count { nodes.append(try await TestNode.start(configure: configure)) }
        return TestNetwork(nodes: nodes)
    }

    /// Waits until every node's queues are drained (polling the queues, bounded by `timeout`).
    ///
    /// Nodes are checked one after another, so a delivery can finish on a node checked later
    /// while it lands in the inbox of a node already checked. Quiet therefore means: all nodes
    /// quiet in two passes in a row, with no queue row added or changed state in between.
    package func waitUntilQuiet(timeout: Duration = .seconds(45)) async throws {
        var previous: [[String: Int]]?
        try await waitUntil(timeout: timeout, "queues drained") {
            var snapshot: [[String: Int]] = []
            for node in nodes {
                guard try await node.isQuiet() else {
                    previous = nil
                    return false
                }
                snapshot.append(try await node.database.inboxCounts())
                snapshot.append(try await node.database.deliveryCounts())
            }
            defer { previous = snapshot }
            return snapshot == previous
        }
    }

    package func stop() async {
        for node in nodes { await node.stop() }
    }
}

/// Runs `body` with a fresh network of `count` live nodes, stopping them however `body` ends.
package func withTestNetwork<T>(
    count: Int, configure: (inout NodeConfiguration) -> Void = { _ in }, _ body: (TestNetwork) async throws -> T
) async throws -> T {
    let network = try await TestNetwork.start(count: count, configure: configure)
    do {
        let result = try await body(network)
        await network.stop()
        return result
    } catch {
        await network.stop()
        throw error
    }
}

/// Polls `condition` until it holds; throws after `timeout`. For waiting on queue state, never
/// as a stand-in for a fixed sleep.
package func waitUntil(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestTimeout(what: what)
}

/// A wait that did not finish.
package struct TestTimeout: Error, CustomStringConvertible {
    package var what: String
    package var description: String { "timed out waiting for \(what)" }
}

/// A new empty directory under the system temporary directory.
package func temporaryDirectory() -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("civichub-test-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// `count` nodes (at least two): organisation `alpha` on the first and `beta` on the second,
/// beta following alpha with the follow accepted. The body gets the network and alpha.
package func withFollowedAlpha<T>(count: Int = 2, _ body: (TestNetwork, ActorProfile) async throws -> T) async throws -> T {
    try await withTestNetwork(count: count) { network in
        let alpha = try await network.nodes[0].organization("alpha")
        try await network.nodes[1].organization("beta")
        try await FollowUseCase(node: network.nodes[1].node).follow(from: "beta", handle: network.nodes[0].handle("alpha"))
        try await network.waitUntilQuiet()
        return try await body(network, alpha)
    }
}
