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
        } catch let error as DomainError {
            return Self.response(status: Self.status(error.kind), code: error.code, message: error.message)
        } catch let error as FederationError {
            context.logger.info("request.refused", metadata: ["error.code": "\(error.code)", "error": "\(error.reason)"])
            return Self.response(status: Self.status(error.kind), code: error.code, message: error.reason)
        } catch let error as RateLimited {
            var response = Self.response(status: error.busy ? .serviceUnavailable : .tooManyRequests, code: error.code, message: error.message)
            response.headers[.retryAfter] = String(error.retryAfter)
            return response
        } catch let error as BodyRefusal {
            return Self.response(status: .badRequest, code: error.code, message: error.message)
        } catch let error as HTTPError {
            return Self.response(status: error.status, code: "http.\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
        } catch is NIOTooManyBytesError {
            return Self.response(status: .contentTooLarge, code: "request.tooLarge", message: "the request body is over the size limit")
        } catch let error as HTTPParserError {
            // E.g. a body that ends before its Content-Length: the client's fault, not ours.
            return Self.response(status: .badRequest, code: "request.malformed", message: "the request could not be read: \(error.debugDescription)")
        } catch {
            context.logger.error("request.failed", metadata: ["error": "\(String(reflecting: error))"])
            return Self.response(status: .internalServerError, code: "internal", message: "internal error")
        }
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

    /// Messages quote what the client sent: past 500 code points (a quoted 20 KB name) they are cut.
    static func response(status: HTTPResponse.Status, code: String, message: String) -> Response {
        var message = message
        if message.unicodeScalars.count > 500 {
            message = String(String.UnicodeScalarView(message.unicodeScalars.prefix(500))) + "…"
        }
        let body = CanonicalJSONBody.error(code: code, message: message)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
