import CivicFederation
import CivicModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Maps what the layers below throw to HTTP: a status by meaning and a JSON body
/// `{"error": code, "message": …}`. Unknown errors become a logged 500 with a generic message;
/// the full cause never reaches the client.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ErrorAnswer(error, logger: context.logger).response
        }
    }
}

/// The answer to an error, as `ErrorMiddleware` gives it to routes and `InboxFastPath` writes it
/// to the connection itself.
struct ErrorAnswer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    init(_ error: any Error, logger: Logger) {
        switch error {
        case let error as DomainError:
            self.init(status: Self.status(error.kind), code: error.code, message: error.message)
        case let error as FederationError:
            logger.info("request.refused", metadata: ["error.code": "\(error.code)", "error": "\(error.reason)"])
            self.init(status: Self.status(error.kind), code: error.code, message: error.reason)
        case let error as RateLimited:
            self.init(status: error.busy ? .serviceUnavailable : .tooManyRequests, code: error.code, message: error.message)
            headers[.retryAfter] = String(error.retryAfter)
        case let error as BodyRefusal:
            self.init(status: .badRequest, code: error.code, message: error.message)
        case let error as HTTPError:
            self.init(status: error.status, code: "http.\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
        case is NIOTooManyBytesError:
            self.init(status: .contentTooLarge, code: "request.tooLarge", message: "the request body is over the size limit")
        case let error as HTTPParserError:
            // E.g. a body that ends before its Content-Length: the client's fault, not ours.
            self.init(status: .badRequest, code: "request.malformed", message: "the request could not be read: \(error.debugDescription)")
        default:
            logger.error("request.failed", metadata: ["error": "\(String(reflecting: error))"])
            self.init(status: .internalServerError, code: "internal", message: "internal error")
        }
    }

    /// Messages quote what the client sent: past 500 code points (a quoted 20 KB name) they are cut.
    init(status: HTTPResponse.Status, code: String, message: String) {
        var message = message
        if message.unicodeScalars.count > 500 {
            message = String(String.UnicodeScalarView(message.unicodeScalars.prefix(500))) + "…"
        }
        self.status = status
        headers = [.contentType: "application/json; charset=utf-8"]
        body = ByteBuffer(bytes: CanonicalJSONBody.error(code: code, message: message))
    }

    /// A body that did not arrive within `timeout` of its head: 408, and the connection closes.
    static func bodyTimedOut(after timeout: Duration) -> ErrorAnswer {
        var answer = ErrorAnswer(
            status: .requestTimeout, code: "request.timeout",
            message: "the request body did not arrive within \(timeout.components.seconds) seconds")
        answer.headers[.connection] = "close"
        return answer
    }

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    static func status(_ kind: DomainError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .invalid: .unprocessableContent
        case .unauthorized: .unauthorized
        case .gone: .gone
        case .unavailable: .serviceUnavailable
        }
    }

    static func status(_ kind: FederationError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .unauthorized: .unauthorized
        case .badRequest: .badRequest
        case .tooLarge: .contentTooLarge
        case .forbidden: .forbidden
        case .permanent, .transient: .badGateway
        }
    }
}
