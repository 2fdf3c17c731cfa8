import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The rest of the fediverse, on loopback: one port serves the remote actors whose activities
/// the node ingests; a thousand more stand for a thousand remote hosts whose shared inboxes
/// accept deliveries with 202 and count them.
final class FakeRemotes: Sendable {
    let documents: Mutex<[String: ByteBuffer]> = Mutex([:])
    let accepted = Atomic<Int>(0)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let channels = Mutex<[any Channel]>([])

    /// Binds one server per port (0 = any free port) and returns the ports.
    func start(count: Int) async throws -> [Int] {
        var ports: [Int] = []
        for _ in 0..<count {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(Handler(remotes: self))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            channels.withLock { $0.append(channel) }
            ports.append(channel.localAddress?.port ?? 0)
        }
        return ports
    }

    func serve(path: String, json: Data) {
        documents.withLock { $0[path] = ByteBuffer(bytes: json) }
    }

    func stop() async throws {
        for channel in channels.withLock({ $0 }) { try await channel.close() }
        try await group.shutdownGracefully()
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let remotes: FakeRemotes
        var head: HTTPRequestHead?

        init(remotes: FakeRemotes) {
            self.remotes = remotes
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead): head = requestHead
            case .body: break
            case .end:
                guard let head else { return }
                self.head = nil
                var status = HTTPResponseStatus.notFound
                var body = ByteBuffer()
                if head.method == .POST {
                    remotes.accepted.add(1, ordering: .relaxed)
                    status = .accepted
                } else if let document = remotes.documents.withLock({ $0[head.uri] }) {
                    status = .ok
                    body = document
                }
                let headers = HTTPHeaders([("Content-Type", "application/activity+json"), ("Content-Length", "\(body.readableBytes)")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
