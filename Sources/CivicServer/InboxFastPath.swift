import CivicCrypto
import CivicFederation
import CivicNode
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Takes inbox POSTs off the connection and answers them itself, without the router, its
/// middleware and Hummingbird's async request streams, which under ingest cost about a quarter
/// of the node's CPU per activity (BENCHMARKS.md). Every other request passes on to Hummingbird
/// unchanged, and so do inbox POSTs it does not take: without a `Content-Length`, over the size
/// limit, of a body type the inbox does not take, or with `Expect` or `Transfer-Encoding`.
///
/// It keeps what the router's way gives an inbox POST: the per-client rate limit (from the
/// head), the body deadline (408, connection closed), the same checks and work
/// (`InboxEndpoint`) and the same answers to errors (`ErrorAnswer`). Answers on a connection stay
/// in request order: what a client pipelines behind a request it answers waits until the answer
/// is out (and once anything waits, no more is read), and it takes no request while Hummingbird
/// still owes one.
final class InboxFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What every connection's handler shares.
    struct Settings: Sendable {
        var node: Node
        var trustedProxies: [CIDR]
        /// A body must arrive within this of its head (none when nil).
        var bodyTimeout: Duration?
        var serverName: String
    }

    private enum State {
        case idle
        /// Reading the body of a request this handler answers.
        case receiving(Receiving)
        /// Answered from its head (over the rate limit): the rest of its body is read and dropped.
        case discarding
        /// Verifying and storing; what arrives meanwhile waits in `held`.
        case processing
    }

    private enum Held {
        case part(NIOAny)
        case event(Any)
        case error(any Error)
    }

    private struct Receiving {
        var head: HTTPRequest
        var target: InboxEndpoint.Target
        var body: ByteBuffer
        var deadline: Scheduled<Void>?
    }

    let settings: Settings
    private var state = State.idle
    /// Requests passed on to Hummingbird whose answer has not been written in full.
    private var owed = 0
    /// What arrived while a request was processing, in order: parts, and the events and errors
    /// between them (a client that half-closes after its last request), which would otherwise
    /// overtake the answers still owed.
    private var held = CircularBuffer<Held>()
    /// A read the channel asked for while requests waited in `held`: made once the answer is out.
    private var readDeferred = false
    /// The `Date` header, formatted once a second.
    private var date: (second: Int, text: String) = (-1, "")

    init(settings: Settings) {
        self.settings = settings
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .processing:
            held.append(.part(data))
        case .idle:
            guard case .head(let head) = unwrapInboundIn(data), owed == 0, let target = Self.takes(head) else {
                if case .head = unwrapInboundIn(data) { owed += 1 }
                return context.fireChannelRead(data)
            }
            begin(head, target: target, context: context)
        case .receiving(var receiving):
            // Not referenced from `state` while the body grows, so that it grows in place.
            state = .idle
            switch unwrapInboundIn(data) {
            case .body(var buffer):
                receiving.body.writeBuffer(&buffer)
                state = .receiving(receiving)
            case .end:
                receiving.deadline?.cancel()
                process(receiving, context: context)
            case .head:
                // The decoder ends one request before it starts the next; never reached.
                context.close(promise: nil)
            }
        case .discarding:
            if case .end = unwrapInboundIn(data) { state = .idle }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { owed = max(0, owed - 1) }
        context.write(data, promise: promise)
    }

    /// Reading stops only once requests pipelined behind one that is processing are waiting:
    /// stopping on every request would take the socket out of the event loop's interest set
    /// and put it back each time (two system calls per request).
    func read(context: ChannelHandlerContext) {
        if case .processing = state, !held.isEmpty {
            readDeferred = true
        } else {
            context.read()
        }
    }

    /// A request that cannot be read to its end (a body cut short of its `Content-Length`) is
    /// answered 400 as the router's way answers it, and the connection closes. One that was
    /// answered already closes without a second answer. Behind a request that is processing, the
    /// error waits its turn.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .idle:
            context.fireErrorCaught(error)
        case .receiving(let receiving):
            receiving.deadline?.cancel()
            state = .discarding
            answer(ErrorAnswer(error, logger: settings.node.logger), closing: true, context: context)
        case .discarding:
            context.close(promise: nil)
        case .processing:
            held.append(.error(error))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .processing = state {
            held.append(.event(event))
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .receiving(let receiving) = state { receiving.deadline?.cancel() }
        context.fireChannelInactive()
    }

    /// The inbox a request goes to when this handler answers it, or nil to pass it on.
    static func takes(_ head: HTTPRequest) -> InboxEndpoint.Target? {
        let fields = head.headerFields
        guard head.method == .post, let path = head.path, path.hasPrefix("/"), let target = InboxEndpoint.target(ofPath: path),
              let length = fields[.contentLength].flatMap(Int.init), length <= InboxEndpoint.maxBytes,
              fields[.transferEncoding] == nil, fields[.expect] == nil, ActivityPubMediaType.isInboxBody(fields[.contentType])
        else { return nil }
        return target
    }

    private func begin(_ head: HTTPRequest, target: InboxEndpoint.Target, context: ChannelHandlerContext) {
        let node = settings.node
        if node.limits.inboxPerClient != nil,
           let refusal = AbuseLimitMiddleware<CivicRequestContext>.overAllowance(
               AbuseLimitMiddleware<CivicRequestContext>.client(
                   peer: context.channel.remoteAddress, headers: head.headerFields, trustedProxies: settings.trustedProxies),
               inbox: true, limits: node.limits, now: node.clock.now)
        {
            state = .discarding
            answer(ErrorAnswer(refusal, logger: node.logger), closing: Self.closes(head), context: context)
            return
        }
        let length = head.headerFields[.contentLength].flatMap(Int.init) ?? 0
        // Grown as bytes arrive past 64 KiB: a head alone must not reserve a whole megabyte.
        var receiving = Receiving(head: head, target: target, body: context.channel.allocator.buffer(capacity: min(length, 1 << 16)))
        if let timeout = settings.bodyTimeout {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            receiving.deadline = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout / .nanoseconds(1)))) {
                let (handler, context) = bound.value
                guard case .receiving = handler.state else { return }
                handler.state = .discarding
                handler.answer(ErrorAnswer.bodyTimedOut(after: timeout), closing: true, context: context)
            }
        }
        state = .receiving(receiving)
    }

    private func process(_ request: Receiving, context: ChannelHandlerContext) {
        state = .processing
        let endpoint = InboxEndpoint(node: settings.node)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let head = request.head
        let target = request.target
        let body = request.body
        let closing = Self.closes(head)
        Task {
            let refusal = await InboxFastPath.receive(head, target: target, body: body, with: endpoint)
            bound.eventLoop.execute {
                let (handler, context) = bound.value
                handler.finish(refusal, closing: closing, context: context)
            }
        }
    }

    /// The inbox's work on a request, as the router's route does it; the answer to its error if
    /// it fails.
    private static func receive(
        _ head: HTTPRequest, target: InboxEndpoint.Target, body: ByteBuffer, with endpoint: InboxEndpoint
    ) async -> ErrorAnswer? {
        do {
            if let error = try await endpoint.refusal(
                of: target, contentType: head.headerFields[.contentType], contentLength: head.headerFields[.contentLength])
            {
                return ErrorAnswer(error, logger: endpoint.node.logger)
            }
            try await endpoint.receive(
                method: head.method.rawValue, path: head.path ?? "/", authority: head.authority, headers: head.headerFields, body: body)
            return nil
        } catch {
            return ErrorAnswer(error, logger: endpoint.node.logger)
        }
    }

    /// Answers the request that was processing, then goes on with what waited behind it.
    private func finish(_ refusal: ErrorAnswer?, closing: Bool, context: ChannelHandlerContext) {
        state = .idle
        if let refusal {
            answer(refusal, closing: closing, context: context)
        } else {
            answer(status: .accepted, headers: [:], body: nil, closing: closing, context: context)
        }
        guard !closing else { return }
        while !held.isEmpty {
            if case .processing = state { return }
            switch held.removeFirst() {
            case .part(let data): channelRead(context: context, data: data)
            case .event(let event): userInboundEventTriggered(context: context, event: event)
            case .error(let error): errorCaught(context: context, error: error)
            }
        }
        context.fireChannelReadComplete()
        if readDeferred {
            readDeferred = false
            context.read()
        }
    }

    private func answer(_ error: ErrorAnswer, closing: Bool, context: ChannelHandlerContext) {
        answer(status: error.status, headers: error.headers, body: error.body, closing: closing, context: context)
    }

    private func answer(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer?, closing: Bool, context: ChannelHandlerContext) {
        var fields = headers
        let closing = closing || fields[.connection] == "close"
        if closing { fields[.connection] = "close" }
        fields[.contentLength] = String(body?.readableBytes ?? 0)
        fields[.date] = httpDate()
        fields[.server] = settings.serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        if let body, body.readableBytes > 0 { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if closing { context.close(promise: nil) }
    }

    /// A client that asked for the connection to close after this request (as Hummingbird reads it).
    private static func closes(_ head: HTTPRequest) -> Bool {
        head.headerFields[.connection] == "close"
    }

    private func httpDate() -> String {
        let now = Date()
        let second = Int(now.timeIntervalSince1970)
        if second != date.second { date = (second, HTTPDate.string(now)) }
        return date.text
    }
}
