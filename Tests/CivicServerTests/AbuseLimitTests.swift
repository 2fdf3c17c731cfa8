import CivicModel
import CivicNode
import CivicServer
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Abuse limits: 429 with Retry-After per client and per server, 503 when the inbox is full", .serialized, .liveNodes)
struct AbuseLimitTests {
    static func like(from actor: String) -> Data {
        CanonicalJSON.encode([
            "@context": .string(AS.context), "id": .string("\(actor)/activities/\(UUID().uuidString)"), "type": "Like",
            "actor": .string(actor), "object": "https://example.org/objects/1",
        ])
    }

    @Test("Past the per-client inbox limit requests get 429 with Retry-After and are not stored; other clients are not affected")
    func inboxPerClient() async throws {
        try await withTestNetwork(count: 2, configure: { $0.inboxRateLimit = 3; $0.inboxHostRateLimit = 0 }) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            for _ in 0..<3 {
                let post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
                #expect(try await post.send().status == 202)
            }
            let post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
            let refused = try await post.send()
            #expect(refused.status == 429)
            #expect(Int(refused.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(try JSONParser().parse(refused.body)["error"]?.stringValue == "rate.inbox")
            #expect(try await first.database.inboxCounts().values.reduce(0, +) == 3)

            // Behind a trusted proxy (loopback by default) the forwarded client is counted instead.
            var forwarded = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
            forwarded.set("X-Forwarded-For", "203.0.113.7")
            #expect(try await forwarded.send().status == 202)
            // Reads are not limited.
            #expect(try await HTTPTestClient.send(.GET, "\(first.base)/actor", headers: [("Accept", AS.activityJSON)]).status == 200)
        }
    }

    @Test("Past the per-server limit a verified sender gets 429 whichever address it comes from")
    func inboxPerServer() async throws {
        try await withTestNetwork(count: 2, configure: { $0.inboxRateLimit = 0; $0.inboxHostRateLimit = 2 }) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            var statuses: [Int] = []
            for index in 0..<3 {
                var post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
                post.set("X-Forwarded-For", "203.0.113.\(index + 1)")
                statuses.append(try await post.send().status)
            }
            #expect(statuses == [202, 202, 429])
        }
    }

    @Test("Past the API limit the admin API answers 429 with a JSON error")
    func api() async throws {
        try await withTestNetwork(count: 1, configure: { $0.apiRateLimit = 2 }) { network in
            let node = network.nodes[0]
            let headers = [("Authorization", "Bearer \(node.adminToken)")]
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/api/v1/queue", headers: headers).status == 200)
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/api/v1/queue", headers: [("Authorization", "Bearer wrong")]).status == 401)
            let refused = try await HTTPTestClient.send(.GET, "\(node.base)/api/v1/queue", headers: headers)
            #expect(refused.status == 429)
            #expect(try JSONParser().parse(refused.body)["error"]?.stringValue == "rate.api")
        }
    }

    @Test("With the in-flight bound reached, the inbox answers 503 with Retry-After at once; slow uploads hold no place")
    func inFlight() async throws {
        let gate = InFlightGate(limit: 1)
        #expect(gate.enter())
        #expect(!gate.enter())
        gate.leave()
        #expect(gate.enter())
        try await withTestNetwork(count: 2, configure: { $0.inboxMaxInFlight = 1 }) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            // A request whose body never finishes arriving does not take the place…
            let stalled = try await StalledUpload.start(host: "127.0.0.1", port: first.configuration.port, path: "/inbox")
            defer { stalled.close() }
            let post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
            #expect(try await post.send().status == 202)
            // …a request in verification does: with the one place taken, the next is refused.
            let place = try #require(first.node.limits.inboxInFlight)
            #expect(place.enter())
            defer { place.leave() }
            let next = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
            let refused = try await next.send()
            #expect(refused.status == 503)
            #expect(refused.headers.first(name: "Retry-After") == "5")
            #expect(try JSONParser().parse(refused.body)["error"]?.stringValue == "inbox.busy")
        }
    }

    @Test("Paths the router reads the same way are limited the same way", arguments: ["//inbox", "/inbox/", "/actors/beta//inbox"])
    func pathSpellings(path: String) async throws {
        try await withTestNetwork(count: 2, configure: { $0.inboxRateLimit = 1; $0.inboxHostRateLimit = 0 }) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            try await first.organization("beta")
            let post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
            #expect(try await post.send().status == 202)
            let other = try await HTTPTestClient.send(.POST, first.base + path, headers: [("Content-Type", AS.activityJSON)], body: Data("{}".utf8))
            #expect(other.status == 429)
        }
    }

    @Test("A retried request refused with 429 is not taken for a replay")
    func retryAfterRateLimit() async throws {
        // 120 a minute: a token every half second, so Retry-After is short.
        try await withTestNetwork(count: 2, configure: { $0.inboxRateLimit = 0; $0.inboxHostRateLimit = 120 }) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            var refused: (SignedPost, HTTPTestClient.Response)?
            for _ in 0..<400 where refused == nil {
                let post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
                let response = try await post.send()
                if response.status == 429 { refused = (post, response) } else { #expect(response.status == 202) }
            }
            let (post, response) = try #require(refused)
            let wait = try #require(Int(response.headers.first(name: "Retry-After") ?? ""))
            #expect(wait <= 2)
            try await Task.sleep(for: .seconds(wait))
            #expect(try await post.send().status == 202)
        }
    }


    @Test("With the replay memory full, a replay of a forgotten request and anything signed as early are refused (401 signature.tooOld); fresh signatures pass")
    func replayMemoryFull() async throws {
        try await withTestNetwork(count: 2, configure: { $0.replayMemory = 2 }) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            // Ten-second groups of signing times: two requests signed a minute ago fill the memory.
            let early = Date().addingTimeInterval(-60)
            let captured = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second, date: early)
            #expect(try await captured.send().status == 202)
            let other = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second, date: early)
            #expect(try await other.send().status == 202)
            let fresh = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second)
            #expect(try await fresh.send().status == 202)
            // Room for the fresh one came from the earliest group: its pairs are forgotten, so the
            // captured request is refused by age rather than remembered, and so is a new one as old.
            let replayed = try await captured.send()
            #expect(replayed.status == 401)
            #expect(try JSONParser().parse(replayed.body)["error"]?.stringValue == "signature.tooOld")
            let late = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.like(from: beta.id), as: beta.id, of: second, date: early)
            #expect(try await late.send().status == 401)
            #expect(try await first.database.inboxCounts().values.reduce(0, +) == 3)
        }
    }
    @Test("A request body that does not arrive in full within the deadline gets 408, the connection is closed, nothing is stored")
    func bodyDeadline() async throws {
        try await withTestNetwork(count: 1, configure: { $0.requestBodyTimeout = 1 }) { network in
            let node = network.nodes[0]
            let stalled = try await StalledUpload.start(host: "127.0.0.1", port: node.configuration.port, path: "/inbox")
            defer { stalled.close() }
            let (response, closed) = await stalled.readUntilClosed(timeout: .seconds(15))
            #expect(response.hasPrefix("HTTP/1.1 408"), "\(response)")
            #expect(response.contains("request.timeout"))
            // Closed by the node at the deadline, not left to the 30-second idle timeout or ours.
            #expect(closed)
            #expect(try await node.database.inboxCounts().isEmpty)
        }
    }

    @Test("Connections beyond the per-address cap are closed at once, a closed one frees its place, and trusted proxies are exempt")
    func connectionCap() async throws {
        try await withTestNetwork(count: 1, configure: { $0.maxConnectionsPerAddress = 2; $0.trustedProxies = [] }) { network in
            let port = network.nodes[0].configuration.port
            let first = try connectTCP(host: "127.0.0.1", port: port), second = try connectTCP(host: "127.0.0.1", port: port)
            defer { close(second) }
            #expect(await exchangeGET(first, path: "/.well-known/nodeinfo").hasPrefix("HTTP/1.1 200"))
            #expect(await exchangeGET(second, path: "/.well-known/nodeinfo").hasPrefix("HTTP/1.1 200"))
            let third = try connectTCP(host: "127.0.0.1", port: port)
            #expect(await exchangeGET(third, path: "/.well-known/nodeinfo") == "", "a third connection from one address is closed unanswered")
            close(third)
            close(first)
            try await waitUntil("the closed connection's place is free") {
                let next = try connectTCP(host: "127.0.0.1", port: port)
                defer { close(next) }
                return await exchangeGET(next, path: "/.well-known/nodeinfo").hasPrefix("HTTP/1.1 200")
            }
        }
        // Behind a reverse proxy every client arrives from the proxy's address: no cap for it.
        try await withTestNetwork(count: 1, configure: { $0.maxConnectionsPerAddress = 1 }) { network in
            let port = network.nodes[0].configuration.port
            let connections = try (0..<3).map { _ in try connectTCP(host: "127.0.0.1", port: port) }
            defer { connections.forEach { close($0) } }
            for connection in connections {
                #expect(await exchangeGET(connection, path: "/.well-known/nodeinfo").hasPrefix("HTTP/1.1 200"))
            }
        }
    }

    @Test("After too many wrong admin tokens from one client, even the right token waits (429); other clients are not affected")
    func tokenGuessing() async throws {
        try await withTestNetwork(count: 1, configure: { $0.apiAuthFailureLimit = 2; $0.apiRateLimit = 0 }) { network in
            let node = network.nodes[0]
            let url = "\(node.base)/api/v1/queue"
            let guesser = ("X-Forwarded-For", "203.0.113.7")
            for guess in ["Bearer wrong", "Bearer chub_guess"] {
                #expect(try await HTTPTestClient.send(.GET, url, headers: [("Authorization", guess), guesser]).status == 401)
            }
            let throttled = try await HTTPTestClient.send(.GET, url, headers: [("Authorization", "Bearer \(node.adminToken)"), guesser])
            #expect(throttled.status == 429)
            #expect(try JSONParser().parse(throttled.body)["error"]?.stringValue == "rate.authFailures")
            #expect(Int(throttled.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            let other = try await HTTPTestClient.send(.GET, url, headers: [("Authorization", "Bearer \(node.adminToken)"), ("X-Forwarded-For", "203.0.113.8")])
            #expect(other.status == 200)
        }
    }
}
