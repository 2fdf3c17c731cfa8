import CivicModel
import Foundation
import GRDB

extension AppDatabase {
    /// Stores activities and their deliveries in one transaction: the outbox and its fan-out
    /// can never disagree. A delivery already queued for the same activity and inbox is kept.
    package func insert(activities: [ActivityRecord], deliveries: [DeliveryRecord]) async throws {
        try await writer.write { db in
            try Self.insert(activities: activities, deliveries: deliveries, db)
        }
    }

    static func insert(activities: [ActivityRecord], deliveries: [DeliveryRecord], _ db: Database) throws {
        for activity in activities {
            try activity.insert(db, onConflict: .ignore)
        }
        for delivery in deliveries {
            try delivery.insert(db, onConflict: .ignore)
        }
    }

    /// Stores a new object with the activity that publishes it and that activity's deliveries,
    /// in one transaction.
    package func insert(object: ObjectRecord, activity: ActivityRecord, deliveries: [DeliveryRecord]) async throws {
        try await writer.write { db in
            try object.insert(db)
            try Self.insert(activities: [activity], deliveries: deliveries, db)
        }
    }

    /// Replaces an object's document (an Update, or a local edit or deletion) and, in the same
    /// transaction, stores the activity announcing it and its deliveries.
    package func replace(object: ObjectRecord, activities: [ActivityRecord] = [], deliveries: [DeliveryRecord] = []) async throws {
        try await writer.write { db in
            try object.update(db)
            try Self.insert(activities: activities, deliveries: deliveries, db)
        }
    }

    /// A local object's Create and Updates: the activities that carry its content.
    package func contentActivities(about objectID: String) async throws -> [ActivityRecord] {
        try await writer.read { db in
            try ActivityRecord.filter(Column("objectId") == objectID && Column("isLocal") == true && ["Create", "Update"].contains(Column("type")))
                .fetchAll(db)
        }
    }

    /// Replaces a deleted local object with its Tombstone and, in the same transaction, its
    /// `retired` activities (already turned into Tombstones of themselves) and stores the Delete
    /// with its deliveries.
    package func tombstone(object: ObjectRecord, retired: [ActivityRecord], deletion: ActivityRecord, deliveries: [DeliveryRecord]) async throws {
        try await writer.write { db in
            try object.update(db)
            for activity in retired { try activity.update(db) }
            try Self.insert(activities: [deletion], deliveries: deliveries, db)
        }
    }

    /// Removes a received object (a Delete from its author).
    @discardableResult
    package func deleteObject(id: String) async throws -> Bool {
        try await writer.write { db in try ObjectRecord.deleteOne(db, key: id) }
    }

    /// The live (not deleted) objects of the given types by an author, newest first.
    package func objects(attributedTo author: String, types: [String], limit: Int) async throws -> [ObjectRecord] {
        try await writer.read { db in
            try ObjectRecord.filter(Column("attributedTo") == author && types.contains(Column("type")))
                .order(Column("published").desc).limit(limit).fetchAll(db)
        }
    }

    /// The live local objects of the given types, all authors, newest first.
    package func localObjects(types: [String], limit: Int) async throws -> [ObjectRecord] {
        try await writer.read { db in
            try ObjectRecord.filter(Column("isLocal") == true && Column("isPublic") == true && types.contains(Column("type")))
                .order(Column("published").desc).limit(limit).fetchAll(db)
        }
    }

    /// The live public objects of the given types, local ones and those received from actors an
    /// organisation here follows (not whatever anyone sent), newest first.
    package func discoverableObjects(types: [String], limit: Int) async throws -> [ObjectRecord] {
        try await writer.read { db in
            try ObjectRecord.filter(Column("isPublic") == true && types.contains(Column("type")))
                .filter(sql: "isLocal OR attributedTo IN (SELECT followeeId FROM follow WHERE state = 'accepted')")
                .order(Column("published").desc).limit(limit).fetchAll(db)
        }
    }

    /// Actors by id (those known here), for showing names next to content.
    package func actors(ids: Set<String>) async throws -> [ActorRecord] {
        try await writer.read { db in try ActorRecord.filter(ids.contains(Column("id"))).fetchAll(db) }
    }

    /// The object with this id.
    package func object(id: String) async throws -> ObjectRecord? {
        try await writer.read { db in try ObjectRecord.fetchOne(db, where: "id", is: id) }
    }

    /// The activity with this id.
    package func activity(id: String) async throws -> ActivityRecord? {
        try await writer.read { db in try ActivityRecord.fetchOne(db, where: "id", is: id) }
    }

    /// One page of an actor's public activities, newest first, with the total; retired ones
    /// (the Create and Updates of a deleted object) are left out.
    package func outbox(of actorID: String, limit: Int, offset: Int) async throws -> (activities: [ActivityRecord], total: Int) {
        try await writer.read { db in
            let request = ActivityRecord.filter(
                Column("actorId") == actorID && Column("isPublic") == true && Column("isLocal") == true && Column("type") != "Tombstone")
            let total = try request.fetchCount(db)
            let page = try request.order(Column("published").desc, Column("id").desc).limit(limit, offset: offset).fetchAll(db)
            return (page, total)
        }
    }
}
