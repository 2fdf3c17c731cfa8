import CivicModel
import CivicNode
import CivicStore
import CivicTesting
import Foundation
import Testing

@Suite("Two live nodes follow each other over loopback", .serialized, .liveNodes)
struct FollowFederationTests {
    static func approveFollowersManually(_ actor: ActorProfile, on node: TestNode) async throws {
        try await node.database.writer.write { db in
            try db.execute(sql: "UPDATE actor SET manuallyApprovesFollowers = 1 WHERE id = ?", arguments: [actor.id])
        }
    }

    @Test("Organisations on two nodes follow each other and each sees the other as a follower")
    func mutualFollow() async throws {
        // Given two nodes, each with one organisation
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let alpha = try await first.organization("alpha")
            let beta = try await second.organization("beta")

            // When alpha follows beta by handle, and beta follows alpha
            try await FollowUseCase(node: first.node).follow(from: "alpha", handle: second.handle("beta"))
            try await FollowUseCase(node: second.node).follow(from: "beta", handle: first.handle("alpha"))
            try await network.waitUntilQuiet()

            // Then both follows were accepted by signed, verified Accepts
            let outgoing = try #require(try await first.database.follow(follower: alpha.id, followee: beta.id))
            #expect(outgoing.state == "accepted")
            let incoming = try #require(try await second.database.follow(follower: beta.id, followee: alpha.id))
            #expect(incoming.state == "accepted")

            // And each followers collection lists the other, fetched over HTTP
            let alphaFollowers = try await HTTPTestClient.getJSON("\(alpha.id)/followers?page=1")
            #expect(alphaFollowers["orderedItems"]?.arrayValue?.compactMap(\.stringValue) == [beta.id])
            #expect(alphaFollowers["totalItems"]?.numberValue == 1)
            let betaFollowers = try await HTTPTestClient.getJSON("\(beta.id)/followers")
            #expect(betaFollowers["totalItems"]?.numberValue == 1)
            let betaFollowing = try await HTTPTestClient.getJSON("\(beta.id)/following?page=1")
            #expect(betaFollowing["orderedItems"]?.arrayValue?.compactMap(\.stringValue) == [alpha.id])

            // And every delivery was made, none failed
            #expect(try await first.database.deliveryCounts() == ["delivered": 2])
            #expect(try await second.database.deliveryCounts() == ["delivered": 2])
            #expect(try await first.database.inboxCounts() == ["done": 2])
        }
    }

    @Test("A follow of an organisation that approves followers manually waits, then an approval sends the Accept")
    func manualApproval() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let alpha = try await first.organization("alpha")
            let beta = try await second.organization("beta")
            try await Self.approveFollowersManually(beta, on: second)

            try await FollowUseCase(node: first.node).follow(from: "alpha", handle: second.handle("beta"))
            try await network.waitUntilQuiet()
            #expect(try await first.database.follow(follower: alpha.id, followee: beta.id)?.state == "pending")
            #expect(try await QueueUseCase(node: second.node).followRequests(of: "beta") == [alpha.id])

            try await FollowUseCase(node: second.node).approve(name: "beta", follower: alpha.id)
            try await network.waitUntilQuiet()
            #expect(try await first.database.follow(follower: alpha.id, followee: beta.id)?.state == "accepted")
        }
    }

    @Test("A declined follow request is removed on both sides by a Reject")
    func decline() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let alpha = try await first.organization("alpha")
            let beta = try await second.organization("beta")
            try await Self.approveFollowersManually(beta, on: second)
            try await FollowUseCase(node: first.node).follow(from: "alpha", handle: second.handle("beta"))
            try await network.waitUntilQuiet()

            try await FollowUseCase(node: second.node).decline(name: "beta", follower: alpha.id)
            try await network.waitUntilQuiet()

            #expect(try await first.database.follow(follower: alpha.id, followee: beta.id) == nil)
            #expect(try await second.database.follow(follower: alpha.id, followee: beta.id) == nil)
        }
    }

    @Test("Undo of a Follow removes the follower")
    func undoFollow() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let alpha = try await first.organization("alpha")
            let beta = try await second.organization("beta")
            try await FollowUseCase(node: first.node).follow(from: "alpha", handle: second.handle("beta"))
            try await network.waitUntilQuiet()
            #expect(try await second.database.follow(follower: alpha.id, followee: beta.id)?.state == "accepted")

            try await FollowUseCase(node: first.node).unfollow(from: "alpha", actorID: beta.id)
            try await network.waitUntilQuiet()

            #expect(try await second.database.follow(follower: alpha.id, followee: beta.id) == nil)
            #expect(try await first.database.follow(follower: alpha.id, followee: beta.id) == nil)
        }
    }
}
