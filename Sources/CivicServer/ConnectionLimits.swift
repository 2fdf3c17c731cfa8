import CivicFederation
import NIOCore
import Synchronization

/// Open connections per client address. A client past its share is disconnected as soon as it
/// connects, so that one address cannot hold all of the server's connections.
final class ConnectionCounter: Sendable {
    let limit: Int
    let exempt: [CIDR]
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int, exempt: [CIDR]) {
        self.limit = limit
        self.exempt = exempt
    }

    /// The key `address` counts under, or nil when it is exempt (or unreadable).
    func key(for address: SocketAddress?) -> String? {
        guard let address, let parsed = IPAddress(address).map(AbuseLimitMiddleware<CivicRequestContext>.plain),
              !exempt.contains(where: { $0.contains(parsed) })
        else { return nil }
        return AbuseLimitMiddleware<CivicRequestContext>.key(parsed)
    }

    /// Counts a new connection; false when `key` already has `limit` open.
    func enter(_ key: String) -> Bool {
        open.withLock { open in
            guard open[key, default: 0] < limit else { return false }
            open[key, default: 0] += 1
            return true
        }
    }

    func leave(_ key: String) {
        open.withLock { open in
            open[key, default: 1] -= 1
            if open[key] == 0 { open[key] = nil }
        }
    }

    /// A handler for one connection's pipeline.
    func handler() -> ConnectionCapHandler { ConnectionCapHandler(counter: self) }
}

/// Counts its connection in a `ConnectionCounter` while it is open, and closes it at once when
/// its address is over the limit.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let counter: ConnectionCounter
    private var counted: String?
    private var checked = false

    init(counter: ConnectionCounter) {
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard !checked else { return }
        checked = true
        guard let key = counter.key(for: context.channel.remoteAddress) else { return }
        if counter.enter(key) {
            counted = key
        } else {
            // Closed on the next turn of the event loop, once the server has taken the connection
            // in: closing it while its pipeline is still being set up can leave the server's
            // connection task waiting for ever (and graceful shutdown with it).
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.execute { loopBound.value.close(promise: nil) }
        }
    }

    private func release() {
        if let key = counted { counter.leave(key) }
        counted = nil
    }
}
