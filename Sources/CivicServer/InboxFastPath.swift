import CivicCrypto
import CivicFederation
import CivicNode
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
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
///
/// For the same reason it answers requests whose head cannot be read (HTTP's grammar broken, a
/// bad `Content-Length`): with the reason in the node's JSON error body, once every answer owed
/// before it is out, where Hummingbird would answer an empty 400. A body that breaks while a route
/// reads it stays the route's error (answered as `ErrorAnswer` answers it). So are `CONNECT`s
/// (this node is not a proxy): 405 with the methods it serves in `Allow`. What follows a
/// `CONNECT` on its connection is tunnel bytes, not requests, and NIO writes the answer to one
/// without a body or `Content-Length`, so the connection closes after it.
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
        /// Refused a request after which nothing can be read: all else is dropped, and the
        /// connection closes once the refusal is out.
        case refused
    }

    private enum Held {
        case part(NIOAny)
        case event(Any)
        case error(any Error)
    }

    /// An inbox POST this handler answers, as its head says.
    struct Taken {
        var target: InboxEndpoint.Target
        var contentLength: Int
        /// The client asked for the connection to close after this request (as Hummingbird reads it).
        var closing: Bool
    }

    private struct Receiving {
        var head: HTTPRequest
        var taken: Taken
        var body: ByteBuffer
        /// When the body must be in by.
        var due: NIODeadline?
        /// Armed only when a read ends with the body incomplete: most bodies arrive with their head.
        var deadline: Scheduled<Void>?
    }

    let settings: Settings
    private var state = State.idle
    /// Requests passed on to Hummingbird whose answer has not been written in full.
    private var owed = 0
    /// A request passed on to Hummingbird whose body is still arriving.
    private var passingBody = false
    /// The refusal of a request after which nothing more is read (a head that could not be
    /// read, a `CONNECT`), waiting for the answers owed before it.
    private var refusalDue: ErrorAnswer?
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
            if case .head(let head) = unwrapInboundIn(data), head.method == .connect {
                return refuseAfterOwed(Self.connectRefused, context: context)
            }
            guard case .head(let head) = unwrapInboundIn(data), owed == 0, let taken = Self.takes(head) else {
                switch unwrapInboundIn(data) {
                case .head:
                    owed += 1
                    passingBody = true
                case .end: passingBody = false
                case .body: break
                }
                return context.fireChannelRead(data)
            }
            begin(head, taken: taken, context: context)
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
        case .refused:
            break
        }
    }

    /// A read that ends with a body incomplete arms its deadline.
    func channelReadComplete(context: ChannelHandlerContext) {
        if case .receiving(var receiving) = state, receiving.deadline == nil, let due = receiving.due {
            state = .idle
            receiving.deadline = armDeadline(due, context: context)
            state = .receiving(receiving)
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { owed = max(0, owed - 1) }
        context.write(data, promise: promise)
        if owed == 0, let refusal = refusalDue {
            refusalDue = nil
            answer(refusal, closing: true, context: context)
        }
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
    /// error waits its turn. A head that cannot be read is refused here too, once Hummingbird's
    /// answers are out; errors in a body Hummingbird is reading are its route's.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .idle:
            guard error is HTTPParserError, !passingBody else { return context.fireErrorCaught(error) }
            refuseAfterOwed(ErrorAnswer(error, logger: settings.node.logger), context: context)
        case .receiving(let receiving):
            receiving.deadline?.cancel()
            state = .discarding
            answer(ErrorAnswer(error, logger: settings.node.logger), closing: true, context: context)
        case .discarding:
            context.close(promise: nil)
        case .processing:
            held.append(.error(error))
        case .refused:
            break
        }
    }

    /// Refuses a request after which nothing more is read, now or once the answers owed before
    /// it are out, and closes the connection.
    private func refuseAfterOwed(_ refusal: ErrorAnswer, context: ChannelHandlerContext) {
        state = .refused
        if owed == 0 {
            answer(refusal, closing: true, context: context)
        } else {
            refusalDue = refusal
        }
    }

    static var connectRefused: ErrorAnswer {
        var refusal = ErrorAnswer(status: .methodNotAllowed, code: "http.405", message: "this node is not a proxy: CONNECT is not supported")
        refusal.headers[.allow] = "GET, HEAD, POST, PUT, PATCH, DELETE"
        return refusal
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

    /// The request as this handler answers it, or nil to pass it on: the router answers the heads
    /// that `InboxEndpoint.refusal(contentType:contentLength:)` refuses. The fields are read in one
    /// pass: each lookup by name scans them all and joins the values it finds. Values of a
    /// repeated field are joined as such a lookup joins them.
    static func takes(_ head: HTTPRequest) -> Taken? {
        guard head.method == .post, let path = head.path, path.hasPrefix("/"), let target = InboxEndpoint.target(ofPath: path) else {
            return nil
        }
        var contentLength: String?
        var contentType: String?
        var connection: String?
        for field in head.headerFields {
            switch field.name {
            case .contentLength: join(&contentLength, field.value)
            case .contentType: join(&contentType, field.value)
            case .connection: join(&connection, field.value)
            case .transferEncoding, .expect: return nil
            default: continue
            }
        }
        guard let length = contentLength.flatMap(Int.init), InboxEndpoint.refusal(contentType: contentType, contentLength: contentLength) == nil
        else { return nil }
        return Taken(target: target, contentLength: length, closing: connection == "close")
    }

    private static func join(_ values: inout String?, _ value: String) {
        values = values.map { $0 + ", " + value } ?? value
    }

    private func begin(_ head: HTTPRequest, taken: Taken, context: ChannelHandlerContext) {
        let node = settings.node
        if node.limits.inboxPerClient != nil,
           let refusal = AbuseLimitMiddleware<CivicRequestContext>.overAllowance(
               AbuseLimitMiddleware<CivicRequestContext>.client(
                   peer: context.channel.remoteAddress, headers: head.headerFields, trustedProxies: settings.trustedProxies),
               inbox: true, limits: node.limits, now: node.clock.now)
        {
            state = .discarding
            answer(ErrorAnswer(refusal, logger: node.logger), closing: taken.closing, context: context)
            return
        }
        // Grown as bytes arrive past 64 KiB: a head alone must not reserve a whole megabyte.
        state = .receiving(Receiving(
            head: head, taken: taken, body: context.channel.allocator.buffer(capacity: min(taken.contentLength, 1 << 16)),
            due: settings.bodyTimeout.map { .now() + .nanoseconds(Int64($0 / .nanoseconds(1))) }))
    }

    /// Answers 408 and closes at `due` unless the body is in by then.
    private func armDeadline(_ due: NIODeadline, context: ChannelHandlerContext) -> Scheduled<Void> {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let timeout = settings.bodyTimeout ?? .zero
        return context.eventLoop.scheduleTask(deadline: due) {
            let (handler, context) = bound.value
            guard case .receiving = handler.state else { return }
            handler.state = .discarding
            handler.answer(ErrorAnswer.bodyTimedOut(after: timeout), closing: true, context: context)
        }
    }

    private func process(_ request: Receiving, context: ChannelHandlerContext) {
        state = .processing
        let endpoint = InboxEndpoint(node: settings.node)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let head = request.head
        let taken = request.taken
        let body = request.body
        Task {
            let refusal = await InboxFastPath.receive(head, taken: taken, body: body, with: endpoint)
            bound.eventLoop.execute {
                let (handler, context) = bound.value
                handler.finish(refusal, closing: taken.closing, context: context)
            }
        }
    }

    /// The inbox's work on a request, as the router's route does it; the answer to its error if
    /// it fails.
    private static func receive(_ head: HTTPRequest, taken: Taken, body: ByteBuffer, with endpoint: InboxEndpoint) async -> ErrorAnswer? {
        do {
            // Its head's fields passed `InboxEndpoint.refusal` when it was taken.
            if let error = try await endpoint.unknownActor(taken.target) { return ErrorAnswer(error, logger: endpoint.node.logger) }
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
        channelReadComplete(context: context)
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

    private func httpDate() -> String {
        let now = Date()
        let second = Int(now.timeIntervalSince1970)
        if second != date.second { date = (second, HTTPDate.string(now)) }
        return date.text
    }
}
