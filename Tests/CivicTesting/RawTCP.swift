import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A client that starts an HTTP POST and never finishes its body: it holds a server slot the way
/// a slow or hostile client would, until `close()`.
package final class StalledUpload: @unchecked Sendable {
    private let socket: Int32

    private init(socket: Int32) {
        self.socket = socket
    }

    /// Connects to `host:port` (IPv4) and sends the request head and a first part of the body.
    package static func start(host: String, port: Int, path: String) async throws -> StalledUpload {
        let descriptor = try connectTCP(host: host, port: port)
        let head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/activity+json\r\nContent-Length: 1000\r\n\r\n{\"type\":"
        _ = head.withCString { send(descriptor, $0, strlen($0), 0) }
        return StalledUpload(socket: descriptor)
    }

    package func close() {
        Glibc.close(socket)
    }
}

/// A plain TCP connection to `host:port` (IPv4), or an error at once when nothing listens.
package func connectTCP(host: String, port: Int) throws -> Int32 {
    let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw UnexpectedStatus(status: Int(errno), body: "socket() failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &address.sin_addr)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        Glibc.close(descriptor)
        throw UnexpectedStatus(status: Int(errno), body: "connect() failed")
    }
    return descriptor
}

extension StalledUpload {
    /// Ends the upload short of its Content-Length: the client half-closes its side.
    package func halfClose() {
        shutdown(socket, Int32(SHUT_WR))
    }

    /// What the server sent before closing the connection or `timeout` passing.
    package func readResponse(timeout: Duration) async -> String {
        await CivicTesting.readResponse(socket, timeout: timeout)
    }

    /// What the server sent, and whether it closed the connection before `timeout` passed.
    package func readUntilClosed(timeout: Duration) async -> (response: String, closedByServer: Bool) {
        await CivicTesting.readUntilClosed(socket, timeout: timeout)
    }
}

/// Reads from `descriptor` until the peer closes or `timeout` passes; the bytes as text.
package func readResponse(_ descriptor: Int32, timeout: Duration) async -> String {
    await readUntilClosed(descriptor, timeout: timeout).response
}

/// Reads from `descriptor` until the peer closes or nothing arrives for `timeout`: the bytes as
/// text, and whether the peer closed. Tells a connection the server closed from one left open
/// without timing the caller, whose task may wait behind others for the pool.
package func readUntilClosed(_ descriptor: Int32, timeout: Duration) async -> (response: String, closedByServer: Bool) {
    await offThePool { blockingReadUntilClosed(descriptor, timeout: timeout) }
}

private func blockingReadUntilClosed(_ descriptor: Int32, timeout: Duration) -> (response: String, closedByServer: Bool) {
    var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else {
            return (String(decoding: received, as: UTF8.self), count == 0 || errno == ECONNRESET)
        }
        received += buffer[0..<count]
    }
}

/// Sends `GET path` on an open connection and returns the first bytes of the answer (one read,
/// up to `timeout`); empty when the server closed the connection instead.
package func exchangeGET(_ descriptor: Int32, path: String, timeout: Duration = .seconds(5)) async -> String {
    await offThePool { blockingExchangeGET(descriptor, path: path, timeout: timeout) }
}

private func blockingExchangeGET(_ descriptor: Int32, path: String, timeout: Duration) -> String {
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    _ = request.withCString { send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = recv(descriptor, &buffer, buffer.count, 0)
    return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
}
