import CivicModel
import CivicStore
import Foundation

/// Answers WebFinger for local actors.
package struct WebFingerUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// The local actor a WebFinger `resource` names: `acct:name@host`, an actor IRI, or the
    /// node's base URL (`https://HOST/`, FEP-d556) for the instance actor.
    package func actor(forResource resource: String) async throws -> ActorProfile {
        let notFound = DomainError.notFound("webfinger.notFound", "no actor for \(resource.prefix(200)) on this node")
        if resource == node.uris.base || resource == node.uris.base + "/" || resource == node.uris.instanceHandle
            || resource == node.uris.instanceActor
        {
            return try await instanceActor()
        }
        if resource.hasPrefix("acct:") || resource.contains("@") && !resource.contains("/") {
            var text = resource.hasPrefix("acct:") ? String(resource.dropFirst(5)) : resource
            if text.hasPrefix("@") { text.removeFirst() }
            guard let at = text.lastIndex(of: "@") else { throw notFound }
            let user = String(text[..<at])
            let host = text[text.index(after: at)...].lowercased()
            guard host == node.uris.authority, !user.isEmpty else { throw notFound }
            if user == node.uris.authority { return try await instanceActor() }
            guard let record = try await node.database.localActor(named: user.lowercased()) else { throw notFound }
            return record.profile
        }
        if let name = node.uris.localActorName(resource), let record = try await node.database.localActor(named: name) {
            return record.profile
        }
        throw notFound
    }

    private func instanceActor() async throws -> ActorProfile {
        guard let record = try await node.database.actor(id: node.uris.instanceActor) else {
            throw DomainError.notFound("webfinger.notFound", "the instance actor does not exist yet")
        }
        return record.profile
    }
}
