import CivicModel
import Foundation
import GRDB

extension AppDatabase {
    /// Records a follow and, in the same transaction, the activity and deliveries that announce it
    /// (the Follow we send, or the Accept we answer with). A repeated follow of the same pair
    /// keeps the existing row (and its state) unless `replace` is set.
    ///
    /// - Returns: false when the pair already had a follow row and it was kept.
    @discardableResult
    package func saveFollow(
        _ follow: FollowRecord, replace: Bool = false, activities: [ActivityRecord] = [],
        deliveries: [DeliveryRecord] = []
    ) async throws -> Bool {
        try await writer.write { db in
            let existing = try FollowRecord
                .filter(Column("followerId") == follow.followerId && Column("followeeId") == follow.followeeId)
                .fetchOne(db)
            if existing != nil, !replace { return false }
            if let existing { try existing.delete(db) }
            try follow.insert(db)
            try Self.insert(activities: activities, deliveries: deliveries, db)
            return true
        }
    }

    /// The follow row for a `Follow` activity id.
    package func follow(activityID: String) async throws -> FollowRecord? {
        try await writer.read { db in
            try FollowRecord.filter(Column("activityId") == activityID).fetchOne(db)
        }
    }

    /// The follow row for a pair.
    package func follow(follower: String, followee: String) async throws -> FollowRecord? {
        try await writer.read { db in
            try FollowRecord.filter(Column("followerId") == follower && Column("followeeId") == followee).fetchOne(db)
        }
    }

    /// Marks a pending follow accepted. Returns false when there was no such pending follow.
    @discardableResult
    package func acceptFollow(follower: String, followee: String) async throws -> Bool {
        try await writer.write { db in
            try FollowRecord
                .filter(Column("followerId") == follower && Column("followeeId") == followee)
                .updateAll(db, Column("state").set(to: "accepted")) > 0
        }
    }

    /// Removes a follow (Undo, Reject) and, in the same transaction, stores the activities and
    /// deliveries that announce it. Returns false when there was no follow.
    @discardableResult
    package func deleteFollow(
        follower: String, followee: String, activities: [ActivityRecord] = [], deliveries: [DeliveryRecord] = []
    ) async throws -> Bool {
        try await writer.write { db in
            let deleted = try FollowRecord.filter(Column("followerId") == follower && Column("followeeId") == followee).deleteAll(db) > 0
            try Self.insert(activities: activities, deliveries: deliveries, db)
            return deleted
        }
    }

    /// One page of the followers (accepted by default, or pending requests) (`direction == .followers`) or followees of an actor, newest first.
    package func follows(
        of actorID: String, direction: FollowDirection, state: String = "accepted", limit: Int, offset: Int
    ) async throws -> (ids: [String], total: Int) {
        try await writer.read { db in
            let request = FollowRecord.filter(Column(direction.ownColumn) == actorID && Column("state") == state)
            let total = try request.fetchCount(db)
            let ids = try String.fetchAll(
                db,
                request.select(Column(direction.otherColumn)).order(Column("id").desc).limit(limit, offset: offset))
            return (ids, total)
        }
    }

    /// Distinct delivery inboxes (shared inbox when the follower's server has one) of an actor's accepted remote followers.
    package func followerInboxes(of actorID: String) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT COALESCE(actor.sharedInbox, actor.inbox)
                FROM follow JOIN actor ON actor.id = follow.followerId
                WHERE follow.followeeId = ? AND follow.state = 'accepted' AND NOT actor.isLocal
                """, arguments: [actorID])
        }
    }
}

/// Which side of the follow relation a listing walks.
package enum FollowDirection: Sendable {
    /// Actors that follow the given actor.
    case followers
    /// Actors the given actor follows.
    case following

    var ownColumn: String { self == .followers ? "followeeId" : "followerId" }
    var otherColumn: String { self == .followers ? "followerId" : "followeeId" }
}
