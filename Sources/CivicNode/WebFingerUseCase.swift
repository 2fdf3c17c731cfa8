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
        switch node.uris.webFingerTarget(resource) {
        case .instance:
            return try await instanceActor()
        case .actor(let name):
            if let record = try await node.database.localActor(named: name) { return record.profile }
        case nil:
            break
        }
        throw DomainError.notFound("webfinger.notFound", "no actor for \(resource.prefix(200)) on this node")
    }

    private func instanceActor() async throws -> ActorProfile {
        guard let record = try await node.database.actor(id: node.uris.instanceActor) else {
            throw DomainError.notFound("webfinger.notFound", "the instance actor does not exist yet")
        }
        return record.profile
    }
}
