import CivicCrypto
import CivicVocabulary
import Foundation
import Hummingbird
import LoopbackPorts
import NIOCore
import Synchronization

/// A remote server on loopback that answers exactly what a test scripts, for playing a hostile
/// or odd peer: documents with foreign ids, redirects, WebFinger answers for other hosts' actors.
package final class ScriptedServer: Sendable {
    /// One scripted answer.
    package struct Answer: Sendable {
        package var status: HTTPResponse.Status
        package var headers: HTTPFields
        package var body: String

        package init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: String = "") {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// An ActivityPub document.
        package static func activityJSON(_ body: String) -> Answer {
            Answer(status: .ok, headers: [.contentType: "application/activity+json"], body: body)
        }

        /// An actor document with an RSA key under `ID#main-key`, as fediverse servers publish them;
        /// its name is the id's last segment and its inbox `ID/inbox` unless given.
        package static func actor(
            _ id: String, type: String = "Person", key: RSAKeyPair, name: String? = nil, inbox: String? = nil, alsoKnownAs: [String] = [],
            url: String? = nil
        ) -> Answer {
            var members: [String: JSONValue] = [
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": .string(id), "type": .string(type), "preferredUsername": .string(name ?? String(id.split(separator: "/").last ?? "")),
                "inbox": .string(inbox ?? "\(id)/inbox"),
                "publicKey": ["id": .string("\(id)#main-key"), "owner": .string(id), "publicKeyPem": .string(key.publicKeyPEM)],
            ]
            if !alsoKnownAs.isEmpty { members["alsoKnownAs"] = .array(alsoKnownAs.map { .string($0) }) }
            if let url { members["url"] = .string(url) }
            return .activityJSON(String(decoding: CanonicalJSON.encode(.object(members)), as: UTF8.self))
        }

        /// A WebFinger answer linking `actor` as the `self` of `subject`.
        package static func webfinger(subject: String, actor: String) -> Answer {
            Answer(
                status: .ok, headers: [.contentType: "application/jrd+json"],
                body: #"{"subject":"\#(subject)","links":[{"rel":"self","type":"application/activity+json","href":"\#(actor)"}]}"#)
        }

        /// A redirect to `location`.
        package static func redirect(_ location: String) -> Answer {
            Answer(status: .found, headers: [.location: location], body: "")
        }
    }

    package let port: Int
    /// `http://127.0.0.1:PORT`.
    package var base: String { "http://127.0.0.1:\(port)" }
    /// `127.0.0.1:PORT`, the host part of handles on this server.
    package var authority: String { "127.0.0.1:\(port)" }
    private let answers = Mutex<[String: Answer]>([:])
    private let log = Mutex<[String]>([])
    private let running = Mutex<Task<Void, any Error>?>(nil)

    private init(port: Int) {
        self.port = port
    }

    /// Answers GET requests for `path` with `answer`; for WebFinger the path is
    /// `/.well-known/webfinger?resource=acct:…` (not percent-encoded). Unscripted paths answer 404.
    package func script(_ path: String, _ answer: Answer) {
        answers.withLock { $0[path] = answer }
    }

    /// The paths (with WebFinger resources) requested so far, in order.
    package var requests: [String] { log.withLock { $0 } }

    /// Starts a server on a free loopback port.
    package static func start() async throws -> ScriptedServer {
        let server = ScriptedServer(port: try freePort())
        let router = Router()
        router.get("**") { request, _ -> Response in
            var key = request.uri.path
            if let resource = request.uri.queryParameters["resource"] { key += "?resource=\(resource)" }
            server.log.withLock { $0.append(key) }
            guard let answer = server.answers.withLock({ $0[key] }) else { return Response(status: .notFound) }
            return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let task = try await runUntilListening(on: server.port) { listening in
            Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: server.port)),
                onServerRunning: { _ in listening() })
        }
        server.running.withLock { $0 = task }
        return server
    }

    package func stop() async {
        guard let task = running.withLock({ $0 }) else { return }
        task.cancel()
        _ = await task.result
    }
}

/// Runs `body` with `count` scripted servers, stopping them however `body` ends.
package func withScriptedServers<T>(count: Int, _ body: ([ScriptedServer]) async throws -> T) async throws -> T {
    var servers: [ScriptedServer] = []
    for _ in 0..<count { servers.append(try await ScriptedServer.start()) }
    do {
        let result = try await body(servers)
        for server in servers { await server.stop() }
        return result
    } catch {
        for server in servers { await server.stop() }
        throw error
    }
}
