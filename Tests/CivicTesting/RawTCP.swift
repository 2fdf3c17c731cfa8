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
