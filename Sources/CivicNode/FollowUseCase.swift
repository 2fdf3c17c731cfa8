import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation
import Logging

/// Follows between local and remote actors: following out, and the Follow / Accept / Reject /
/// Undo / Block / Move activities that arrive.
package struct FollowUseCase: Sendable {
    let node: Node
    var outbox: Outbox { Outbox(node: node) }

    package init(node: Node) {
        self.node = node
    }

    /// Registers the inbox listeners for Follow, Undo, Block and Move (Accept and Reject are
    /// routed by `Node`).
    func register(into listeners: inout InboxListeners) {
        listeners.on(.follow) { try await receiveFollow($0) }
        listeners.on(.undo) { try await receiveUndo($0) }
        listeners.on(.block) { try await receiveBlock($0) }
        listeners.on(.move) { try await receiveMove($0) }
    }

    /// Local organisation `name` follows the remote actor behind `handle` (`acct:user@host` or an
    /// actor IRI). The follow stays pending until the remote side accepts.
    @discardableResult
    package func follow(from name: String, handle: String) async throws -> FollowRelation {
        let follower = try await ActorUseCase(node: node).localActor(named: name)
        let target: ActorProfile
        do {
            let actorID = handle.hasPrefix("http://") || handle.hasPrefix("https://") ? handle : try await node.resolver.webfinger(handle)
            target = try await node.resolver.actor(id: actorID)
        } catch let error as FederationError {
            // A server that is down may answer later; anything else means the handle is wrong.
            guard error.kind != .transient else {
                throw DomainError(.unavailable, code: "handle.unreachable", message: "could not reach the server of \(handle): \(error.reason)")
            }
            throw DomainError(.invalid, code: "handle.unresolvable", message: "handle: \(handle) could not be resolved: \(error.reason)")
        }
        guard target.id != follower.id else {
            throw DomainError.invalid(field: "handle", reason: "an actor cannot follow itself")
        }
        // It publishes nothing and answers no follows: the follow would stay pending for ever.
        guard target.id != node.uris.instanceActor else {
            throw DomainError.invalid(field: "handle", reason: "this node's instance actor cannot be followed")
        }
        if let existing = try await node.database.follow(follower: follower.id, followee: target.id) {
            return FollowRelation(
                followerID: follower.id, followeeID: target.id, activityID: existing.activityId,
                state: FollowRelation.State(rawValue: existing.state) ?? .pending)
        }
        let activityID = outbox.newActivityID()
        let document = ActivityDocuments.follow(id: activityID, actor: follower.id, object: target.id)
        let prepared = try await outbox.prepare(document, by: follower.id, isPublic: false, to: target.isLocal ? [] : [target.inbox])
        // A follow between two organisations of this node needs no round trip.
        let state: FollowRelation.State = target.isLocal && !target.manuallyApprovesFollowers ? .accepted : .pending
        try await node.database.saveFollow(
            FollowRecord(followerId: follower.id, followeeId: target.id, activityId: activityID, state: state.rawValue, createdAt: node.clock.now),
            activities: [prepared.activity], deliveries: prepared.deliveries)
        node.deliveries.wake.signal()
        return FollowRelation(followerID: follower.id, followeeID: target.id, activityID: activityID, state: state)
    }

    /// Local organisation `name` stops following `actorID`: the follow is removed and an
    /// Undo(Follow) is delivered.
    package func unfollow(from name: String, actorID: String) async throws {
        let follower = try await ActorUseCase(node: node).localActor(named: name)
        guard let follow = try await node.database.follow(follower: follower.id, followee: actorID),
              let target = try await node.database.actor(id: actorID)?.profile
        else {
            throw DomainError.notFound("follow.notFound", "\(name) does not follow \(actorID)")
        }
        let undone = ActivityDocuments.follow(id: follow.activityId, actor: follower.id, object: actorID)
        let document = ActivityDocuments.undo(id: outbox.newActivityID(), actor: follower.id, undone: undone)
        let prepared = try await outbox.prepare(document, by: follower.id, isPublic: false, to: target.isLocal ? [] : [target.inbox])
        try await node.database.deleteFollow(
            follower: follower.id, followee: actorID, activities: [prepared.activity], deliveries: prepared.deliveries)
        node.deliveries.wake.signal()
    }

    /// Approves a pending follow request of a local actor that approves followers manually.
    package func approve(name: String, follower followerID: String) async throws {
        try await answer(name: name, follower: followerID, with: .accept)
    }

    /// Declines a pending follow request; the follower is told with a Reject.
    package func decline(name: String, follower followerID: String) async throws {
        try await answer(name: name, follower: followerID, with: .reject)
    }

    private func answer(name: String, follower followerID: String, with type: AS.ActivityType) async throws {
        let followee = try await ActorUseCase(node: node).localActor(named: name)
        guard let request = try await node.database.follow(follower: followerID, followee: followee.id), request.state == "pending",
              let follower = try await node.database.actor(id: followerID)
        else {
            throw DomainError.notFound("follow.notFound", "no pending follow request from \(followerID)")
        }
        let (activity, deliveries) = try await answerActivity(type, followee: followee, follower: follower.profile, followID: request.activityId)
        if type == .accept {
            var accepted = request
            accepted.id = nil
            accepted.state = "accepted"
            try await node.database.saveFollow(accepted, replace: true, activities: [activity], deliveries: deliveries)
        } else {
            try await node.database.deleteFollow(follower: followerID, followee: followee.id, activities: [activity], deliveries: deliveries)
        }
        node.deliveries.wake.signal()
    }

    // MARK: Incoming

    func receiveFollow(_ activity: InboxActivity) async throws {
        guard let objectID = activity.document["object"]?.iri, let name = node.uris.localActorName(objectID),
              let followee = try await node.database.localActor(named: name)?.profile
        else {
            node.logger.info("follow.ignored", metadata: ["activity.id": "\(activity.id)", "reason": "object is not a local organisation"])
            return
        }
        guard let follower = try await node.database.actor(id: activity.actorID)?.profile else {
            throw DomainError.notFound("actor.notFound", "follower \(activity.actorID) is not known")
        }
        let pending = followee.manuallyApprovesFollowers
        let follow = FollowRecord(
            followerId: follower.id, followeeId: followee.id, activityId: activity.id, state: pending ? "pending" : "accepted",
            createdAt: node.clock.now)
        if pending {
            try await node.database.saveFollow(follow, replace: true)
            return
        }
        let (accept, deliveries) = try await answerActivity(.accept, followee: followee, follower: follower, followID: activity.id)
        try await node.database.saveFollow(follow, replace: true, activities: [accept], deliveries: deliveries)
        node.deliveries.wake.signal()
    }

    /// Accept or Reject of a follow we sent: only the followee may answer it.
    func receiveAnswer(_ activity: InboxActivity, accepted: Bool) async throws {
        guard let object = activity.document["object"] else { return }
        var follow: FollowRecord?
        if let followID = object.iri { follow = try await node.database.follow(activityID: followID) }
        if follow == nil, let follower = object["actor"]?.iri {
            follow = try await node.database.follow(follower: follower, followee: activity.actorID)
        }
        guard let follow, follow.followeeId == activity.actorID else {
            node.logger.info("follow.answer.ignored", metadata: ["activity.id": "\(activity.id)", "reason": "no matching follow by this actor"])
            return
        }
        if accepted {
            try await node.database.acceptFollow(follower: follow.followerId, followee: follow.followeeId)
        } else {
            try await node.database.deleteFollow(follower: follow.followerId, followee: follow.followeeId)
        }
    }

    /// Undo of a Follow: only the follower may take it back.
    func receiveUndo(_ activity: InboxActivity) async throws {
        guard let object = activity.document["object"] else { return }
        let undone = object.types.first
        guard undone == nil || undone == AS.ActivityType.follow.rawValue else { return }
        var follow: FollowRecord?
        if let followID = object.iri { follow = try await node.database.follow(activityID: followID) }
        if follow == nil, let followee = object["object"]?.iri {
            follow = try await node.database.follow(follower: activity.actorID, followee: followee)
        }
        guard let follow, follow.followerId == activity.actorID else { return }
        try await node.database.deleteFollow(follower: follow.followerId, followee: follow.followeeId)
    }

    /// Block of a local organisation by a remote actor: the follows between the two end, both
    /// ways, as Mastodon ends them; nothing is sent back. (An Undo of the Block restores nothing.)
    func receiveBlock(_ activity: InboxActivity) async throws {
        guard let objectID = activity.document["object"]?.iri, let name = node.uris.localActorName(objectID),
              let blocked = try await node.database.localActor(named: name)
        else { return }
        try await node.database.deleteFollow(follower: activity.actorID, followee: blocked.id)
        try await node.database.deleteFollow(follower: blocked.id, followee: activity.actorID)
    }

    /// Move of an account that local organisations follow to a new one (Mastodon's account
    /// migration): each follows the new account and unfollows the old, as Mastodon's own
    /// followers do. Only when the old account moves itself and the new account, read fresh from
    /// its origin, names the old one in `alsoKnownAs`.
    func receiveMove(_ activity: InboxActivity) async throws {
        let old = activity.actorID
        guard activity.document["object"]?.iri == old, let targetID = activity.document["target"]?.iri, targetID != old else {
            node.logger.info("move.ignored", metadata: ["activity.id": "\(activity.id)", "reason": "object is not the actor, or no other target"])
            return
        }
        // Followers first: a Move that concerns no organisation here costs no fetch.
        var names: [String] = []
        for state in ["accepted", "pending"] {
            names += try await node.database.follows(of: old, direction: .followers, state: state, limit: 10_000, offset: 0).ids
                .compactMap(node.uris.localActorName)
        }
        guard !names.isEmpty else { return }
        let target = try await node.resolver.actor(id: targetID, refresh: true)
        guard let record = try await node.database.actor(id: target.id),
              try JSONParser(limits: .stored).parse(record.document)["alsoKnownAs"]?.iris.contains(old) == true
        else {
            node.logger.info("move.ignored", metadata: ["activity.id": "\(activity.id)", "reason": "\(targetID) does not name \(old) in alsoKnownAs"])
            return
        }
        // Each organisation on its own: one that cannot move does not hold up the others. When a
        // server did not answer, the worker tries again later, for those not moved yet (the moved
        // ones no longer follow the old account).
        var failures: [String] = [], transient = false
        for name in names {
            do {
                try await follow(from: name, handle: target.id)
                try await unfollow(from: name, actorID: old)
            } catch {
                failures.append("\(name): \(error)")
                transient = transient || (error as? DomainError)?.kind == .unavailable || (error as? FederationError)?.kind == .transient
            }
        }
        guard failures.isEmpty else {
            throw DomainError(transient ? .unavailable : .invalid, code: "move.incomplete", message: "not moved: \(failures.joined(separator: "; "))")
        }
    }

    private func answerActivity(
        _ type: AS.ActivityType, followee: ActorProfile, follower: ActorProfile, followID: String
    ) async throws -> (ActivityRecord, [DeliveryRecord]) {
        let document = ActivityDocuments.answer(type, id: outbox.newActivityID(), actor: followee.id, follow: followID, follower: follower.id)
        let prepared = try await outbox.prepare(document, by: followee.id, isPublic: false, to: follower.isLocal ? [] : [follower.inbox])
        return (prepared.activity, prepared.deliveries)
    }
}
