import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The next port `freePort()` tries; nil until the first call picks a random start.
private let nextPort = Mutex<Int?>(nil)

/// A loopback TCP port for a test or benchmark server: free a moment ago, never handed out twice by this
/// process, and below the kernel's ephemeral range.
///
/// Asking the kernel for any free port (binding to port 0) returns one from the ephemeral range,
/// the range outbound connections take their local ports from. Between that probe and the
/// server's own bind, a connection made by a test running alongside could take the port, and the
/// server could not listen. Below the range no outbound connection lands; the counter keeps two
/// tests of this process apart, and its random start keeps two test processes mostly apart.
package func freePort() throws -> Int {
    let range = testPortRange()
    for _ in range {
        let port = nextPort.withLock { next in
            let port = next ?? Int.random(in: range)
            next = port + 1 < range.upperBound ? port + 1 : range.lowerBound
            return port
        }
        if isFree(port) { return port }
    }
    throw NoFreePort(range: range)
}

/// The 16,384 ports below the ephemeral range (Linux's `ip_local_port_range`; elsewhere the
/// IANA range, which starts at 49152).
private func testPortRange() -> Range<Int> {
    let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
    let ephemeral = text?.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 49152
    let upper = max(ephemeral, 2048)
    return max(1024, upper - 16384)..<upper
}

/// True when nothing on this machine has `port` bound on 127.0.0.1.
private func isFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// Every port of the range was taken.
package struct NoFreePort: Error, CustomStringConvertible {
    package var range: Range<Int>
    package var description: String { "no free loopback port in \(range)" }
}
