import CivicFederation
import CivicNode
import CivicTesting
import Foundation
import Hummingbird
import LoopbackPorts
import NIOCore
import Synchronization
import Testing

/// A deliberately badly behaved remote server, to check the limits of outbound fetches.
@Suite("Outbound fetches: size cap, redirects, content type, origin", .serialized, .liveNodes)
struct OutboundFetchTests {
    static func withHostileServer(_ body: (String) async throws -> Void) async throws {
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)"
        let router = Router()
        router.get("big") { _, _ -> Response in
            let padding = String(repeating: "x", count: (1 << 20) + 10)
            let json = #"{"id":"\#(base)/big","type":"Person","inbox":"\#(base)/inbox","name":"\#(padding)"}"#
            return Response(status: .ok, headers: [.contentType: "application/activity+json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("hop/:n") { _, context -> Response in
            let hop = Int(context.parameters.get("n") ?? "0") ?? 0
            return Response(status: .found, headers: [.location: "\(base)/hop/\(hop + 1)"])
        }
        router.get("html") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: #"{"id":"\#(base)/html","type":"Person"}"#)))
        }
        router.get("elsewhere") { _, _ -> Response in
            let json = #"{"id":"https://victim.example/users/admin","type":"Person","inbox":"https://victim.example/inbox"}"#
            return Response(status: .ok, headers: [.contentType: "application/activity+json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("trickle") { _, _ -> Response in
            // A head at once, then a body that never finishes.
            Response(status: .ok, headers: [.contentType: "application/activity+json"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "{"))
                try await Task.sleep(for: .seconds(60))
                try await writer.finish(nil)
            })
        }
        router.get("to-private") { _, _ -> Response in
            Response(status: .found, headers: [.location: "http://127.0.0.2:\(port)/big"])
        }
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in readyContinuation.yield() })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        for await _ in ready { break }
        do {
            try await body(base)
        } catch {
            task.cancel()
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    static func expectFailure(_ code: String, _ operation: () async throws -> Void) async {
        do {
            try await operation()
            Issue.record("expected \(code)")
        } catch let error as FederationError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("Responses over 1 MiB, more than 3 redirects, non-ActivityPub types, foreign ids and redirects to private addresses are refused")
    func limits() async throws {
        try await withTestNetwork(count: 1) { network in
            let resolver = network.nodes[0].node.resolver
            try await Self.withHostileServer { base in
                await Self.expectFailure("fetch.tooLarge") { _ = try await resolver.actor(id: "\(base)/big") }
                await Self.expectFailure("fetch.tooManyRedirects") { _ = try await resolver.actor(id: "\(base)/hop/0") }
                await Self.expectFailure("fetch.contentType") { _ = try await resolver.actor(id: "\(base)/html") }
                await Self.expectFailure("fetch.originMismatch") { _ = try await resolver.actor(id: "\(base)/elsewhere") }
                await Self.expectFailure("fetch.addressRefused") { _ = try await resolver.actor(id: "\(base)/to-private") }
            }
            #expect(try await network.nodes[0].database.actor(id: "https://victim.example/users/admin") == nil)
        }
    }

    /// Requests a server got.
    final class Hits: Sendable {
        let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
    }

    /// A server on `address`:`port` answering `GET /who` with its address as an ActivityPub
    /// document, counting the requests it gets.
    static func withWhoServer(address: String, port: Int, hits: Hits, _ body: () async throws -> Void) async throws {
        let router = Router()
        router.get("who") { _, _ -> Response in
            hits.count.add(1, ordering: .relaxed)
            let json = #"{"id":"http://rebind.test:\#(port)/who","type":"Note","content":"\#(address)"}"#
            return Response(status: .ok, headers: [.contentType: "application/activity+json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname(address, port: port)),
            onServerRunning: { _ in readyContinuation.yield() })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        for await _ in ready { break }
        defer { task.cancel() }
        try await body()
    }

    @Test("A host name is connected to at the address that was checked, so a name answering differently later (DNS rebinding) reaches nothing unchecked")
    func connectsToCheckedAddress() async throws {
        let port = try freePort()
        // A DNS server for `rebind.test` that answers 127.0.0.1 twice, then 127.0.0.3, then the internal 127.0.0.2.
        let answers = ["127.0.0.1", "127.0.0.1", "127.0.0.3", "127.0.0.2"].compactMap(IPAddress.init)
        let lookUps = Hits()
        let policy = AddressPolicy(allowed: ["127.0.0.1/32", "127.0.0.3/32"].compactMap(CIDR.init)) { host in
            #expect(host == "rebind.test")
            return [answers[min(lookUps.count.add(1, ordering: .relaxed).oldValue, answers.count - 1)]]
        }
        let client = SafeHTTPClient(policy: policy, userAgent: "civichub-test")
        let first = Hits(), second = Hits(), inside = Hits()
        try await Self.using(client) {
            try await Self.withWhoServer(address: "127.0.0.1", port: port, hits: first) {
                try await Self.withWhoServer(address: "127.0.0.3", port: port, hits: second) {
                    try await Self.withWhoServer(address: "127.0.0.2", port: port, hits: inside) {
                        // The system resolver does not know `rebind.test`: an answer proves the
                        // connection went to the checked address, not to a fresh lookup.
                        for expected in answers.dropLast() {
                            let response = try await client.get("http://rebind.test:\(port)/who", accept: "application/activity+json", signer: nil)
                            #expect(String(decoding: response.body, as: UTF8.self).contains("\"\(expected)\""))
                        }
                        await Self.expectFailure("fetch.addressRefused") {
                            _ = try await client.get("http://rebind.test:\(port)/who", accept: "application/activity+json", signer: nil)
                        }
                    }
                }
            }
        }
        #expect(first.value == 2)
        #expect(second.value == 1)
        #expect(inside.value == 0)
    }

    @Test("A response body that never finishes is given up at the deadline, not waited for")
    func trickledBody() async throws {
        let client = SafeHTTPClient(
            policy: AddressPolicy(allowed: ["127.0.0.1/32"].compactMap(CIDR.init)), userAgent: "civichub-test", requestTimeout: .seconds(1))
        try await Self.using(client) {
            try await Self.withHostileServer { base in
                await Self.expectFailure("fetch.timeout") {
                    _ = try await client.get("\(base)/trickle", accept: "application/activity+json", signer: nil)
                }
            }
        }
    }

    /// Runs `body`, then shuts `client` down however `body` ended (a client not shut down traps).
    static func using(_ client: SafeHTTPClient, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
