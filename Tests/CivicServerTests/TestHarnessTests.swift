import CivicTesting
import Foundation
import LoopbackPorts
import Testing

@Suite("The test harness: ports and server start-up", .serialized, .liveNodes)
struct TestHarnessTests {
    @Test("Test ports are handed out once each, below the range outbound connections take theirs from")
    func ports() throws {
        let ports = try (0..<500).map { _ in try freePort() }
        #expect(Set(ports).count == ports.count)
        let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let ephemeral = try #require(range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        #expect(ports.allSatisfy { 1024 <= $0 && $0 < ephemeral })
    }

    @Test("A node whose port is taken fails to start and says why, rather than waiting for ever")
    func takenPort() async throws {
        try await withScriptedServers(count: 1) { servers in
            let error = await #expect(throws: ServerDidNotListen.self) { try await TestNode.start(port: servers[0].port) }
            #expect(error?.port == servers[0].port)
        }
    }
}
