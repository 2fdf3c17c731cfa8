import CivicCrypto
import CivicModel
import CivicVocabulary
import Foundation
import Logging

/// An inbox POST whose signature verified and whose signer is the activity's actor.
package struct VerifiedActivity: Sendable {
    package var activity: IncomingActivity
    package var signer: ActorProfile
    package var signature: ParsedSignature
}

/// The inbox's checks, in order, each refusing with a classified `FederationError`:
/// signature present and well-formed → covers the right parts, fresh, digest matches the body →
/// body is valid JSON within limits and a well-formed activity → neither the key nor the actor is
/// blocked (before any key is fetched) → the signer's key (fetched, or
/// refetched once if it no longer verifies, for key rotation) verifies → the signer is the actor.
package struct InboxVerifier: Sendable {
    let resolver: ActorResolver
    let clock: any Clock

    package init(resolver: ActorResolver, clock: any Clock) {
        self.resolver = resolver
        self.clock = clock
    }

    /// Nil for an actor's `Delete` of itself when this node never knew the actor: there is nothing
    /// here to delete, and its key is not fetched (its documents answer 410 by now).
    package func verify(_ request: HTTPRequestParts) async throws -> VerifiedActivity? {
        let signature: ParsedSignature
        do {
            signature = try HTTPSignatureVerifier.parse(request)
            try HTTPSignatureVerifier.checkPolicy(signature, parts: request, now: clock.now)
        } catch let error as CryptoError {
            throw FederationError(.unauthorized, code: error.code, reason: error.reason)
        }

        let activity: IncomingActivity
        do {
            activity = try IncomingActivity(document: try JSONParser().parse(request.body))
        } catch let error as VocabularyError {
            throw FederationError(error.code == "json.tooLarge" ? .tooLarge : .badRequest, code: error.code, reason: error.reason)
        }

        for iri in [signature.keyId, activity.actor] where resolver.http.blocks.blocks(iri) {
            throw FederationError(.forbidden, code: "federation.blocked", reason: "this node does not federate with \(iri)")
        }
        let signer: ActorProfile
        if activity.deletesActor {
            guard let known = try await knownSigner(of: signature) else { return nil }
            signer = known
        } else {
            signer = try await verifiedSigner(of: signature)
        }
        guard signer.id == activity.actor else {
            throw FederationError(
                .unauthorized, code: "signature.actorMismatch",
                reason: "signed by \(signer.id), but the activity's actor is \(activity.actor)")
        }
        return VerifiedActivity(activity: activity, signer: signer, signature: signature)
    }

    /// The signer of an actor's Delete of itself, by the key this node holds; nil when it holds
    /// none. A key held longer than the cache keeps keys is first fetched again, so that a key the
    /// actor has since replaced (a leaked one, say) cannot delete it here; only when the actor's
    /// documents are gone (404, 410) does the held key decide.
    private func knownSigner(of signature: ParsedSignature) async throws -> ActorProfile? {
        guard let (actor, key, isStale) = try await resolver.knownKey(id: signature.keyId) else { return nil }
        if isStale {
            do {
                return try await verifiedSigner(of: signature)
            } catch let error as FederationError where error.kind == .unauthorized && [404, 410].contains(error.status) {
                // Gone at its origin: the held key is the last word.
            }
        }
        do {
            try HTTPSignatureVerifier.verify(signature, with: key)
            return actor
        } catch let error as CryptoError {
            throw FederationError(.unauthorized, code: error.code, reason: error.reason)
        }
    }

    private func verifiedSigner(of signature: ParsedSignature) async throws -> ActorProfile {
        do {
            let (actor, key) = try await resolver.key(id: signature.keyId)
            do {
                try HTTPSignatureVerifier.verify(signature, with: key)
                return actor
            } catch is CryptoError {
                // The actor may have rotated its key since we cached it: fetch once more.
                let (fresh, freshKey) = try await resolver.key(id: signature.keyId, refresh: true)
                try HTTPSignatureVerifier.verify(signature, with: freshKey)
                return fresh
            }
        } catch let error as CryptoError {
            throw FederationError(.unauthorized, code: error.code, reason: error.reason)
        } catch let error as FederationError where error.kind == .permanent || error.kind == .transient {
            throw FederationError(
                .unauthorized, code: "signature.keyUnavailable",
                reason: "could not get key \(signature.keyId): \(error.reason)", status: error.status)
        }
    }
}
