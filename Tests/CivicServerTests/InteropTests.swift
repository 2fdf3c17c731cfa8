import CivicNode
import CivicTesting
import Foundation
import LoopbackPorts
import Testing

/// Checks the node against bovine, an independently written ActivityPub implementation from
/// PyPI (Federation/interop/bovine_peer.py). `Scripts/test` installs it; a missing install fails the
/// test rather than skipping it.
@Suite("Interoperability with bovine (Python, from PyPI)", .serialized, .liveNodes)
struct InteropTests {
    static var peerScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Federation/interop/bovine_peer.py").path
    }

    /// Runs the peer and returns its exit status and the checks it printed.
    static func runPeer(_ arguments: [String]) async throws -> (Int32, [String: Bool], String) {
        // Waited for off the pool: the peer talks to the node in this process, which must keep serving.
        let result = try await runProcess("/usr/bin/env", ["python3", peerScript] + arguments, mergingErrors: true)
        let text = result.outputText
        var checks: [String: Bool] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = object["check"] as? String, let ok = object["ok"] as? Bool
            else { continue }
            checks[name] = ok
        }
        return (result.status, checks, text)
    }

    @Test("bovine validates WebFinger, actor and NodeInfo, follows and joins an event, and verifies our signed Accepts")
    func bovineFollows() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            let event = try await EventUseCase(node: node.node).publish(name: "alpha", draft: EventTests.hybrid())
            let peerPort = try freePort()
            let (status, checks, output) = try await Self.runPeer([
                "--node", node.base, "--handle", node.handle("alpha"), "--listen-port", String(peerPort), "--timeout", "30",
                "--join", event,
            ])
            #expect(status == 0, "\(output)")
            for name in [
                "webfinger.organization", "actor.keys", "actor.webfingerRoundTrip", "instance.application", "instance.fep-d556",
                "nodeinfo.fep-2677", "nodeinfo.2.0", "nodeinfo.2.1", "follow.sent", "accept.received", "accept.signatureVerifiedByBovine",
                "accept.parsedByBovine", "join.sent", "join.accepted", "join.signatureVerifiedByBovine",
            ] {
                #expect(checks[name] == true, "\(name): \(output)")
            }
            // And on our side the bovine actor is a follower whose key we fetched and verified
            let follower = "http://127.0.0.1:\(peerPort)/actor"
            #expect(try await node.database.follow(follower: follower, followee: alpha.id)?.state == "accepted")
            #expect(try await node.database.actor(id: follower)?.publicKeyPem != nil)
            #expect(try await ParticipationUseCase(node: node.node).attendees(name: "alpha", eventID: event) == [follower])
        }
    }
}
