import CivicModel
import CivicStore
import Crypto
import Foundation

/// Issues and checks admin API tokens. Only a SHA-256 hash of each token is stored.
package struct AdminTokenUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// Issues the first admin token and returns it, or nil when one was issued before
    /// (it is shown once; `civichub init --new-token` issues another).
    package func issueFirstToken() async throws -> String? {
        if try await node.database.hasAdminToken() { return nil }
        return try await issueToken()
    }

    /// Issues a new admin token and returns it.
    package func issueToken() async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = "chub_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try await node.database.insertAdminToken(hash: Self.hash(token), at: node.clock.now)
        return token
    }

    /// Checks a bearer token; throws `unauthorized` when it is not a valid admin token.
    package func authenticate(_ token: String) async throws {
        guard token.hasPrefix("chub_"), token.count < 200, try await node.database.adminTokenExists(hash: Self.hash(token)) else {
            throw DomainError.unauthorized("token.invalid", "the bearer token is not valid")
        }
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
