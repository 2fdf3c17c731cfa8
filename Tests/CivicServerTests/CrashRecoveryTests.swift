import CivicNode
import CivicStore
import CivicTesting
import Foundation
import LoopbackPorts
import Testing

@Suite("Deliveries survive a kill -9", .serialized, .liveNodes)
struct CrashRecoveryTests {
    @Test("A node killed with a pending delivery delivers it after restart")
    func pendingDeliverySurvivesKill() async throws {
        // Given node A (a real civichub process) whose org alpha is followed by beta on node B
        let dataA = temporaryDirectory()
        let portA = try freePort()
        try await NodeProcess.run(["org", "create", "alpha", "--data", dataA, "--public-url", "http://127.0.0.1:\(portA)"])
        var nodeA = try await NodeProcess.start(dataDirectory: dataA, port: portA)
        defer { nodeA.terminate() }
        let nodeB = try await TestNode.start()
        let dataB = nodeB.configuration.dataDirectory
        let portB = nodeB.configuration.port
        let beta = try await nodeB.organization("beta")
        try await FollowUseCase(node: nodeB.node).follow(from: "beta", handle: "acct:alpha@127.0.0.1:\(portA)")
        try await waitUntil("beta's follow of alpha to be accepted") {
            try await nodeB.database.follow(follower: beta.id, followee: "http://127.0.0.1:\(portA)/actors/alpha")?.state == "accepted"
        }

        // When B goes down, alpha follows beta (known from the cache), A fails the first attempt…
        await nodeB.stop()
        try await NodeProcess.run(["follow", "alpha", beta.id, "--data", dataA])
        let databaseA = try AppDatabase.open(path: (dataA as NSString).appendingPathComponent("civichub.sqlite"))
        try await waitUntil("A's first delivery attempt to fail") {
            try await databaseA.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE state = 'pending' AND attempts >= 1") ?? 0
            } == 1
        }
        // …and A is killed with the delivery still pending
        await nodeA.kill9()

        // Then after both come back, the delivery is made and beta has alpha as follower
        let restartedB = try await TestNode.start(dataDirectory: dataB, port: portB)
        nodeA = try await NodeProcess.start(dataDirectory: dataA, port: portA)
        try await waitUntil(timeout: .seconds(60), "the follow to reach beta after restart") {
            try await restartedB.database.follow(follower: "http://127.0.0.1:\(portA)/actors/alpha", followee: beta.id)?.state == "accepted"
        }
        try await waitUntil("A to record the delivery") {
            try await databaseA.deliveryCounts()["pending", default: 0] == 0
        }
        #expect(try await databaseA.deliveryCounts()["failed", default: 0] == 0)
        await restartedB.stop()
    }
}
