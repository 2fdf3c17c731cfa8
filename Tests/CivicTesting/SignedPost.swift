import CivicCrypto
import CivicNode
import CivicVocabulary
import Foundation
import NIOHTTP1

/// Builds inbox POSTs signed with a live test node's actor key, so tests can send exactly the
/// request a remote server would — or a subtly broken one.
package struct SignedPost {
    package var url: String
    package var body: Data
    package var headers: [(String, String)]

    /// Signs `body` for `url` as `actorID` (a local actor of `node`), at `date`.
    package static func make(
        to url: String, body: Data, as actorID: String, of node: TestNode, date: Date = Date()
    ) async throws -> SignedPost {
        try make(to: url, body: body, signer: try await node.node.signers.signer(for: actorID), date: date)
    }

    /// Signs `body` for `url` with `signer` (any key, e.g. one a hostile server publishes), at `date`.
    package static func make(to url: String, body: Data, signer: HTTPSignatureSigner, date: Date = Date()) throws -> SignedPost {
        let parts = HTTPRequestParts(
            method: "POST", path: try IRI.validated(url).path, authority: try IRI.authority(of: url), scheme: "http",
            headers: [("Content-Type", AS.activityJSON)], body: body)
        let added = try signer.sign(parts, date: date)
        return SignedPost(url: url, body: body, headers: [("Content-Type", AS.activityJSON)] + added.map { ($0.name, $0.value) })
    }

    /// Sends it.
    package func send() async throws -> HTTPTestClient.Response {
        try await HTTPTestClient.send(.POST, url, headers: headers, body: body)
    }

    /// Replaces one header's value.
    package mutating func set(_ name: String, _ value: String) {
        headers.removeAll { $0.0.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }
}
