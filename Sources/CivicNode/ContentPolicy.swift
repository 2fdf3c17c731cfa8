import CivicCrypto
import CivicFederation
import CivicModel
import CivicVocabulary
import Foundation

/// Checks made before an inbox activity that creates, changes or removes content is accepted,
/// so that a forgery is answered 4xx and stores nothing: the object must be on the actor's origin
/// and attributed to the actor, and every FEP-8b32 proof it carries must verify with a key of
/// that actor.
struct ContentPolicy {
    let node: Node

    func check(_ activity: IncomingActivity) async throws {
        switch activity.type {
        case AS.ActivityType.create.rawValue, AS.ActivityType.update.rawValue:
            guard let object = activity.object else { throw refused("\(activity.type) has no object") }
            guard let objectID = object.iri, IRI.sameOrigin(objectID, activity.actor) else {
                throw refused("the object of a \(activity.type) must be on the actor's origin")
            }
            if case .object = object {
                if let author = object["attributedTo"]?.iris.first, author != activity.actor {
                    throw refused("the object is attributed to \(author), not to the actor")
                }
                if object["proof"] != nil { try await verifyProof(of: object, by: activity.actor) }
            } else if activity.type == AS.ActivityType.update.rawValue {
                throw refused("an Update must embed the changed object")
            }
        case AS.ActivityType.delete.rawValue:
            guard let objectID = activity.object?.iri, IRI.sameOrigin(objectID, activity.actor) else {
                throw refused("only objects on the actor's origin can be deleted by it")
            }
        default:
            break
        }
        // An actor's Delete of itself is authenticated by its HTTP signature and the key this node
        // held; a proof on it would need the key fetched, and the actor's documents are gone.
        if activity.document["proof"] != nil, !activity.deletesActor { try await verifyProof(of: activity.document, by: activity.actor) }
    }

    /// The proof must be made with a key the actor lists (read from the actor's side).
    /// Returns the verification method that verified.
    @discardableResult
    func verifyProof(of document: JSONValue, by actorID: String) async throws -> String {
        do {
            let claims = try DataIntegrity.proof(of: document)
            let (owner, key) = try await node.resolver.key(id: claims.verificationMethod)
            guard owner.id == actorID else {
                throw FederationError(.forbidden, code: "proof.foreignKey", reason: "the proof is made by \(owner.id), not by the actor")
            }
            try DataIntegrity.verify(document, with: key)
            return claims.verificationMethod
        } catch let error as CryptoError {
            throw FederationError(.unauthorized, code: error.code, reason: error.reason)
        } catch let error as FederationError where error.kind == .permanent || error.kind == .transient {
            throw FederationError(.unauthorized, code: "proof.keyUnavailable", reason: "the proof's key cannot be fetched: \(error.reason)")
        }
    }

    private func refused(_ reason: String) -> FederationError {
        FederationError(.forbidden, code: "content.notOwner", reason: reason)
    }
}
