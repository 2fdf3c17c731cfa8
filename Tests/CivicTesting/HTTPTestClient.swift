import AsyncHTTPClient
import CivicVocabulary
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP requests from a test to a live node, as a remote server or browser would make them.
package enum HTTPTestClient {
    /// A response as the test sees it.
    package struct Response: Sendable {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: Data
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends a request with the given headers and body.
    package static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return Response(status: Int(response.status.code), headers: response.headers, body: Data(collected.readableBytesView))
    }

    /// GETs an ActivityStreams document and parses it.
    package static func getJSON(_ url: String, accept: String = "application/activity+json") async throws -> JSONValue {
        let response = try await send(.GET, url, headers: [("Accept", accept)])
        guard response.status == 200 else { throw UnexpectedStatus(status: response.status, body: response.text) }
        return try JSONParser(limits: .stored).parse(response.body)
    }
}

/// A response with a status the test did not expect.
package struct UnexpectedStatus: Error, CustomStringConvertible {
    package var status: Int
    package var body: String

    package init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    package var description: String { "HTTP \(status): \(body.prefix(500))" }
}
