import CivicCrypto
import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Receiving activities: verify, persist once, and leave side effects to the inbox worker (or,
/// for content that needs nothing else, store it with the activity).
package struct InboxUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// What became of a received activity.
    package enum Outcome: Sendable, Equatable {
        /// Stored; its side effects follow.
        case accepted
        /// An activity with this id was received before; nothing changed.
        case duplicate
        /// A `Delete` of an actor this node never knew; nothing stored, nothing to change.
        case unknownActorDeleted
    }

    /// Verifies a signed inbox POST and stores it. Throws `FederationError` (unauthorized,
    /// badRequest, tooLarge) before anything is written.
    package func receive(_ request: HTTPRequestParts) async throws -> Outcome {
        guard let verified = try await node.verifier.verify(request) else { return .unknownActorDeleted }
        if let wait = node.limits.inboxPerHost?.take(verified.signer.host, now: node.clock.now) {
            throw RateLimited(
                code: "rate.inboxHost", message: "\(verified.signer.host) is sending faster than this node accepts; retry later",
                retryAfter: wait)
        }
        let activity = verified.activity
        try await ContentPolicy(node: node).check(activity)
        // Remembered only once everything else passed: a sender refused for now (429, 403) may
        // send the very same request again.
        let now = node.clock.now
        switch node.limits.replays.check(
            keyID: verified.signature.keyId, signature: verified.signature.signature, signedAt: verified.signature.created ?? now, now: now)
        {
        case .firstUse:
            break
        case .replayed:
            throw FederationError(.unauthorized, code: "signature.replayed", reason: "this signature was already used; sign each request anew")
        case .tooOld(let floor):
            throw FederationError(
                .unauthorized, code: "signature.tooOld",
                reason: "this node is receiving more than it remembers; signatures made before \(HTTPDate.string(floor)) are refused, sign the request anew")
        }
        // Stored as the bytes received (valid JSON within the inbox's limits, as just parsed): what
        // the sender signed the digest of, and no second encoding. A server that talks to us is
        // up: deliveries parked behind it may go again.
        let receipt = try await node.database.receiveInbox(
            InboxItemRecord(
                activityId: activity.id, actorId: activity.actor, type: activity.type,
                document: request.body, receivedAt: node.clock.now),
            senderHost: verified.signer.host, effect: ContentUseCase(node: node).effectOnReceipt(of: activity))
        switch receipt {
        case .duplicate:
            return .duplicate
        case .processed:
            break
        case .queued(let row):
            node.inboxHandoff.put(row, activity.document)
            node.inboxWake.signal()
        }
        return .accepted
    }
}
