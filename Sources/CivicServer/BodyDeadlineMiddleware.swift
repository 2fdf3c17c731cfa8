import CivicFederation
import HTTPTypes
import Hummingbird

/// A request body must arrive in full within `timeout` of the request head: a client that sends
/// a byte every few seconds would otherwise keep its connection (and the memory of its partial
/// body) for as long as it likes, as the idle timeout never fires. Slower bodies get 408 and the
/// connection is closed. Bodies over `maxBytes` get 413.
struct BodyDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    let timeout: Duration
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method) else { return try await next(request, context) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw HTTPError(.contentTooLarge, message: "request bodies are limited to \(maxBytes >> 20) MiB")
        }
        let body = request.body
        let maxBytes = maxBytes
        let collected = try await withDeadline(timeout) { try await body.collect(upTo: maxBytes) }
        guard let collected else { return ErrorAnswer.bodyTimedOut(after: timeout).response }
        var request = request
        request.body = RequestBody(buffer: collected)
        return try await next(request, context)
    }
}
