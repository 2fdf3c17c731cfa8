import CivicTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Inbox POSTs are answered on the connection (`InboxFastPath`), everything else by the router;
/// clients must not be able to tell, whatever they send and however they pipeline it.
@Suite("Inbox POSTs answered on the connection")
struct InboxFastPathTests {
    /// Sends `text` in one write on a new connection and reads until the server closes it.
    static func exchange(_ text: String, port: Int) async throws -> String {
        let socket = try connectTCP(host: "127.0.0.1", port: port)
        defer { close(socket) }
        // Off the task pool: the send blocks while the node reads slowly (pipelined requests are
        // read as the ones before them are answered), and the node in this process needs the pool.
        await offThePool { _ = text.withCString { send(socket, $0, strlen($0), 0) } }
        return await readResponse(socket, timeout: .seconds(10))
    }

    static func post(_ path: String, body: String = #"{"type":"Create"}"#, headers: String = "Content-Type: application/activity+json\r\n", closing: Bool = false) -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Content-Length: \(body.utf8.count)\r\n"
            + (closing ? "Connection: close\r\n" : "") + "\r\n" + body
    }

    static func get(_ path: String, closing: Bool = false) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/activity+json\r\n" + (closing ? "Connection: close\r\n" : "") + "\r\n"
    }

    /// The status codes of the responses in `text`, in order (a body runs into the next status line).
    static func statuses(_ text: String) -> [String] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
    }

    @Test("Pipelined requests get their answers in order, inbox refusals with the router's JSON and headers")
    func pipelined() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            // Inbox POSTs (unsigned: 401 from the fast path; a missing actor: 404) between reads
            // the router answers, all in one write, the last asking to close.
            var requests: [String] = []
            var expected: [String] = []
            for index in 0..<10 {
                requests.append(Self.post(index % 3 == 2 ? "/actors/nobody/inbox" : "//inbox/?x=\(index)"))
                expected.append(index % 3 == 2 ? "404" : "401")
                requests.append(Self.get("/actors/alpha"))
                expected.append("200")
            }
            requests.append(Self.post("/actors/alpha/inbox", closing: true))
            expected.append("401")
            let response = try await Self.exchange(requests.joined(), port: node.configuration.port)
            #expect(Self.statuses(response) == expected, "\(response.prefix(2_000))")
            let first = response.components(separatedBy: "\r\n\r\n").first ?? ""
            #expect(first.lowercased().contains("server: civichub") && first.lowercased().contains("date: "), "\(first)")
            #expect(response.contains(#""error":"signature.missing""#))
            #expect(response.contains(#""error":"actor.notFound""#))
            #expect(try await node.database.inboxCounts().isEmpty)
        }
    }

    @Test("Inbox POSTs the fast path leaves to the router (chunked, Expect, another type, a repeated type, too large) get the router's answers")
    func leftToTheRouter() async throws {
        try await withTestNetwork(count: 1) { network in
            let port = network.nodes[0].configuration.port
            let body = #"{"type":"Create"}"#
            let chunked = "POST /inbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/activity+json\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n\(String(body.utf8.count, radix: 16))\r\n\(body)\r\n0\r\n\r\n"
            let unsigned = try await Self.exchange(chunked, port: port)
            #expect(Self.statuses(unsigned) == ["401"] && unsigned.contains("signature.missing"), "\(unsigned)")
            // A chunk that cannot be read is the error of the route reading the body.
            let brokenChunk = "POST /inbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/activity+json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
            let broken = try await Self.exchange(brokenChunk, port: port)
            #expect(Self.statuses(broken) == ["400"] && broken.contains(#""message":"the request could not be read: invalid character in chunk size"#), "\(broken)")

            let plain = try await Self.exchange(Self.post("/inbox", headers: "Content-Type: text/plain\r\n", closing: true), port: port)
            #expect(Self.statuses(plain) == ["415"], "\(plain)")

            let large = "POST /inbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/activity+json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n{"
            #expect(Self.statuses(try await Self.exchange(large, port: port)) == ["413"])

            // A repeated field counts as its values joined, as the router reads it: two body types
            // are not an inbox body type, though each alone is.
            let twice = try await Self.exchange(
                Self.post("/inbox", headers: "Content-Type: application/activity+json\r\nContent-Type: application/activity+json\r\n", closing: true),
                port: port)
            #expect(Self.statuses(twice) == ["415"], "\(twice)")

            let expecting = try await Self.exchange(
                Self.post("/inbox", headers: "Content-Type: application/activity+json\r\nExpect: 100-continue\r\n", closing: true), port: port)
            #expect(Self.statuses(expecting).last == "401" && expecting.contains("signature.missing"), "\(expecting)")
        }
    }

    @Test("A client that half-closes after its last request still gets every answer, in order")
    func halfClosed() async throws {
        try await withTestNetwork(count: 1) { network in
            let socket = try connectTCP(host: "127.0.0.1", port: network.nodes[0].configuration.port)
            defer { close(socket) }
            let requests = Self.post("/inbox") + Self.get("/actor") + Self.post("/inbox")
            await offThePool {
                _ = requests.withCString { send(socket, $0, strlen($0), 0) }
                shutdown(socket, Int32(SHUT_WR))
            }
            let response = await readResponse(socket, timeout: .seconds(10))
            #expect(Self.statuses(response) == ["401", "200", "401"], "\(response.prefix(1_000))")
        }
    }

    @Test("A malformed request pipelined behind an inbox POST is refused after that POST's answer")
    func malformedBehind() async throws {
        try await withTestNetwork(count: 1) { network in
            let response = try await Self.exchange(Self.post("/inbox") + "NOT HTTP AT ALL\r\n\r\n", port: network.nodes[0].configuration.port)
            #expect(Self.statuses(response) == ["401", "400"], "\(response.prefix(1_000))")
            #expect(response.contains(#""error":"request.malformed""#), "\(response.prefix(1_000))")
        }
    }

    static let malformed = (status: "400", reason: #""error":"request.malformed","message":"the request could not be read: "#)

    @Test(
        "A request after which nothing can be read (a head that cannot be, a CONNECT) is refused with the reason, after the answers owed before it, and the connection closes",
        arguments: [
            ("NOT HTTP AT ALL\r\n\r\n", malformed),
            ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", malformed),
            ("POST /inbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/activity+json\r\nContent-Length: abc\r\n\r\n", malformed),
            ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", malformed),
            ("GET /\u{1} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", malformed),
            ("GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", malformed),
            // NIO writes answers to a CONNECT without a body: the status and `Allow` say it.
            ("CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n", (status: "405", reason: "allow: get, head, post, put, patch, delete")),
        ])
    func refusedForGood(_ request: String, refused: (status: String, reason: String)) async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            let port = node.configuration.port
            /// The refusal's head and body, in lower case (header names are case-insensitive).
            func refusal(_ response: String) -> String {
                (response.components(separatedBy: "HTTP/1.1 \(refused.status) ").dropFirst().first ?? "").lowercased()
            }
            // Alone on its connection, which the server closes.
            let socket = try connectTCP(host: "127.0.0.1", port: port)
            defer { close(socket) }
            await offThePool { _ = request.withCString { send(socket, $0, strlen($0), 0) } }
            let (alone, closed) = await readUntilClosed(socket, timeout: .seconds(10))
            #expect(closed)
            #expect(Self.statuses(alone) == [refused.status], "\(alone.prefix(1_000))")
            #expect(refusal(alone).contains(refused.reason), "\(alone.prefix(1_000))")
            #expect(refusal(alone).contains("connection: close"), "\(alone.prefix(1_000))")
            // Behind reads the router answers: their answers first, then the refusal. The
            // exchange reads until the server closes the connection.
            let behind = try await Self.exchange(Self.get("/actors/alpha") + Self.get("/actor") + request, port: port)
            #expect(Self.statuses(behind) == ["200", "200", refused.status], "\(behind.prefix(2_000))")
            #expect(refusal(behind).contains(refused.reason), "\(behind.prefix(2_000))")
        }
    }

    @Test("A body that stalls behind a pipelined inbox POST gets 408 at its deadline, after that POST's answer")
    func stalledBehind() async throws {
        try await withTestNetwork(count: 1, configure: { $0.requestBodyTimeout = 1 }) { network in
            let node = network.nodes[0]
            let socket = try connectTCP(host: "127.0.0.1", port: node.configuration.port)
            defer { close(socket) }
            // The second POST's head and the start of its body arrive while the first is processing.
            let requests = Self.post("/inbox")
                + "POST /inbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/activity+json\r\nContent-Length: 1000\r\n\r\n{\"type\":"
            await offThePool { _ = requests.withCString { send(socket, $0, strlen($0), 0) } }
            let (response, closed) = await readUntilClosed(socket, timeout: .seconds(15))
            #expect(Self.statuses(response) == ["401", "408"], "\(response.prefix(1_000))")
            // Closed at the body's deadline, not left to the 30-second idle timeout or ours.
            #expect(closed)
            #expect(try await node.database.inboxCounts().isEmpty)
        }
    }

    @Test("A stream of inbox POSTs pipelined without waiting is answered in full, once each")
    func flood() async throws {
        try await withTestNetwork(count: 1) { network in
            let port = network.nodes[0].configuration.port
            let requests = (0..<300).map { Self.post("/inbox", closing: $0 == 299) }.joined()
            let response = try await Self.exchange(requests, port: port)
            #expect(Self.statuses(response) == Array(repeating: "401", count: 300))
        }
    }
}
