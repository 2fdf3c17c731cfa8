import AsyncHTTPClient
import CivicCrypto
import CivicVocabulary
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The only way the node talks to other servers: http(s) only, addresses checked against the
/// `AddressPolicy` before every hop and connected to as checked (`PinnedClients`), at most 3
/// redirects (each checked again), 5 s to connect, 30 s for the head and 30 s for the body, and responses capped
/// at 1 MiB. Nothing is sent to a blocked domain or actor. Requests are signed when a signer is given.
package final class SafeHTTPClient: Sendable {
    /// A response body and what is needed to judge it.
    package struct Response: Sendable {
        package var status: Int
        package var contentType: String?
        package var body: Data
        /// The URL that answered, after redirects.
        package var finalURL: String
        package var retryAfter: Double?
    }

    let clients: PinnedClients
    let policy: AddressPolicy
    /// Domains and actors never contacted.
    package let blocks: BlockList
    let userAgent: String
    let maxResponseBytes: Int
    let maxRedirects = 3
    /// For a response head (AsyncHTTPClient's deadline), and again for its body.
    let requestTimeout: Duration

    /// - Parameters:
    ///   - policy: which addresses may be contacted.
    ///   - userAgent: sent on every request (`civichub/VERSION (+https://HOST/)`).
    ///   - blocks: domains and actors never contacted.
    ///   - requestTimeout: how long the head of a response, and then its body, may take.
    package init(
        policy: AddressPolicy, userAgent: String, blocks: BlockList = BlockList(), maxResponseBytes: Int = 1 << 20,
        requestTimeout: Duration = .seconds(30)
    ) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            // No idle read timeout: AsyncHTTPClient 1.37's read-timeout state machine can trap on a
            // precondition (`IdleReadStateMachine.requestEndSent`) when a server answers early, as
            // the soak's load generator found; a hostile server must not be able to stop the node.
            // Every response head and body has a deadline instead (`requestTimeout`).
            timeout: .init(connect: .seconds(5)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 8))
        configuration.decompression = .enabled(limit: .size(maxResponseBytes))
        clients = PinnedClients(configuration: configuration)
        self.policy = policy
        self.blocks = blocks
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
        self.requestTimeout = requestTimeout
    }

    /// Closes pooled connections; call once when the node stops.
    package func shutdown() async throws {
        try await clients.shutdown()
    }

    /// GET `url` with `accept`, signed by `signer` when given, following up to 3 checked redirects.
    package func get(_ url: String, accept: String, signer: HTTPSignatureSigner?) async throws -> Response {
        var current = url
        for _ in 0...maxRedirects {
            let response = try await send(method: .GET, url: current, body: nil, contentType: nil, accept: accept, signer: signer)
            if [301, 302, 303, 307, 308].contains(response.status) {
                guard let location = response.redirectLocation,
                      let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString
                else {
                    throw FederationError(.permanent, code: "fetch.badRedirect", reason: "\(current) redirected without a usable Location")
                }
                current = next
                continue
            }
            return response.response
        }
        throw FederationError(.permanent, code: "fetch.tooManyRedirects", reason: "\(url) redirected more than \(maxRedirects) times")
    }

    /// POST `body` to `url`, signed by `signer`. Redirects are not followed (a redirected delivery is a failure).
    package func post(_ url: String, body: Data, contentType: String, signer: HTTPSignatureSigner) async throws -> Response {
        try await send(method: .POST, url: url, body: body, contentType: contentType, accept: AS.activityJSON, signer: signer).response
    }

    private struct RawResponse {
        var response: Response
        var redirectLocation: String?
        var status: Int { response.status }
    }

    private func send(
        method: HTTPMethod, url: String, body: Data?, contentType: String?, accept: String, signer: HTTPSignatureSigner?
    ) async throws -> RawResponse {
        let parsed: URL
        do {
            parsed = try IRI.validated(url)
        } catch {
            throw FederationError(.permanent, code: "fetch.badURL", reason: error.reason)
        }
        guard let components = URLComponents(url: parsed, resolvingAgainstBaseURL: false), let host = components.host else {
            throw FederationError(.permanent, code: "fetch.badURL", reason: "\(url) has no host")
        }
        guard !blocks.blocks(url) else {
            throw FederationError(.forbidden, code: "federation.blocked", reason: "this node does not federate with \(url)")
        }
        let addresses = try await policy.resolve(host: host)

        let authority = try IRI.authority(of: url)
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?\(query)" }

        var request = HTTPClientRequest(url: parsed.absoluteString)
        request.method = method
        var headers: [(name: String, value: String)] = [("Accept", accept), ("User-Agent", userAgent)]
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let signer {
            let parts = HTTPRequestParts(
                method: method.rawValue, path: target, authority: authority, scheme: components.scheme ?? "https",
                headers: headers, body: body ?? Data())
            headers += try signer.sign(parts, date: Date())
        }
        for header in headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }

        let (status, responseHeaders, collected) = try await clients.withClient(host: host, address: addresses[0]) { client in
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: TimeAmount(requestTimeout))
            } catch {
                throw FederationError(.transient, code: "fetch.network", reason: "\(method.rawValue) \(url): \(error)")
            }
            do {
                let (body, limit) = (response.body, maxResponseBytes)
                // AsyncHTTPClient's deadline ends with the head; a body sent a byte at a time has its own.
                guard let collected = try await withDeadline(requestTimeout, { try await body.collect(upTo: limit) }) else {
                    throw FederationError(.transient, code: "fetch.timeout", reason: "\(url) did not send its response within \(requestTimeout)")
                }
                return (Int(response.status.code), response.headers, collected)
            } catch is NIOTooManyBytesError {
                throw FederationError(.permanent, code: "fetch.tooLarge", reason: "\(url) answered with more than \(maxResponseBytes) bytes")
            } catch let error as FederationError {
                throw error
            } catch {
                throw FederationError(.transient, code: "fetch.network", reason: "\(method.rawValue) \(url): \(error)")
            }
        }
        let retryAfter = responseHeaders.first(name: "Retry-After").flatMap(Self.parseRetryAfter)
        return RawResponse(
            response: Response(
                status: status, contentType: responseHeaders.first(name: "Content-Type"),
                body: Data(collected.readableBytesView), finalURL: parsed.absoluteString, retryAfter: retryAfter),
            redirectLocation: responseHeaders.first(name: "Location"))
    }

    /// Retry-After as seconds (delta form) or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Double? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}

extension SafeHTTPClient.Response {
    /// Throws the classified failure for a non-2xx status: 404/410 and other 4xx (but 401, 408,
    /// 429) are permanent; 5xx, 401, 408 and 429 are transient.
    package func requireSuccess(_ what: String) throws {
        guard !(200..<300).contains(status) else { return }
        let transient = status >= 500 || [401, 408, 429].contains(status)
        throw FederationError(
            transient ? .transient : .permanent, code: "fetch.status",
            reason: "\(what) answered HTTP \(status)", status: status, retryAfter: retryAfter)
    }

    /// True when the Content-Type names an ActivityPub document.
    package var isActivityPubContentType: Bool {
        // JSON-LD is accepted with or without the ActivityStreams profile, as servers send both.
        guard let type = contentType?.lowercased() else { return false }
        return type.hasPrefix("application/activity+json") || type.hasPrefix("application/ld+json")
    }
}
