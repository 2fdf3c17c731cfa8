import CivicModel
import Foundation
import GRDB

extension AppDatabase {
    /// Inserts a new local actor with its private keys, or throws `DomainError.conflict` when the name is taken.
    package func insertLocalActor(_ actor: ActorRecord, key: LocalKeyRecord) async throws {
        do {
            try await writer.write { db in
                try actor.insert(db)
                try key.insert(db)
            }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw DomainError.conflict("actor.exists", "an actor named \"\(actor.preferredUsername)\" already exists")
        }
    }

    /// Inserts or replaces a remote actor after a fetch.
    package func saveRemoteActor(_ actor: ActorRecord) async throws {
        precondition(!actor.isLocal, "local actors are written by insertLocalActor")
        try await writer.write { db in
            try actor.upsert(db)
        }
    }

    /// Forgets a remote actor that deleted itself: its row (its follows and participations go
    /// with it), the objects it authored, and pending deliveries to its own inbox (failed as
    /// `gone`).
    package func forgetRemoteActor(id: String, at date: Date) async throws -> (objects: Int, deliveries: Int) {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM object WHERE attributedTo = ? AND NOT isLocal", arguments: [id])
            let objects = db.changesCount
            guard let inbox = try String.fetchOne(db, sql: "SELECT inbox FROM actor WHERE id = ? AND NOT isLocal", arguments: [id]) else {
                return (objects, 0)
            }
            try db.execute(sql: "DELETE FROM actor WHERE id = ?", arguments: [id])
            // Some servers give all their accounts one inbox: deliveries to it are for the others too.
            let shared = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM actor WHERE inbox = ?1 OR sharedInbox = ?1)", arguments: [inbox]) ?? false
            guard !shared else { return (objects, 0) }
            try db.execute(
                sql: "UPDATE delivery SET state = 'failed', lastError = 'gone', updatedAt = ? WHERE state = 'pending' AND inbox = ?",
                arguments: [StoredDate(date), inbox])
            return (objects, db.changesCount)
        }
    }

    /// The actor with this id.
    package func actor(id: String) async throws -> ActorRecord? {
        try await writer.read { db in try ActorRecord.fetchOne(db, where: "id", is: id) }
    }

    /// The local organisation named `name`. Not the instance actor, though its name is the
    /// node's authority: it is found by its id, and has no place under `/actors/`.
    package func localActor(named name: String) async throws -> ActorRecord? {
        try await writer.read { db in
            try ActorRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM actor WHERE isLocal = 1 AND preferredUsername = ? AND kind != ?"),
                arguments: [name, ActorProfile.Kind.application.rawValue])
        }
    }

    /// All local actors by name (the instance actor included).
    package func localActors() async throws -> [ActorRecord] {
        try await writer.read { db in
            try ActorRecord.filter(Column("isLocal") == true).order(Column("preferredUsername")).fetchAll(db)
        }
    }

    /// The actor publishing the given key id.
    package func actor(keyID: String) async throws -> ActorRecord? {
        try await writer.read { db in
            // Two indexed lookups: SQLite would scan the table for the OR of two columns.
            try ActorRecord.fetchOne(db, where: "publicKeyId", is: keyID) ?? ActorRecord.fetchOne(db, where: "ed25519KeyId", is: keyID)
        }
    }

    /// The private keys of a local actor.
    package func localKey(actorID: String) async throws -> LocalKeyRecord? {
        try await writer.read { db in try LocalKeyRecord.fetchOne(db, where: "actorId", is: actorID) }
    }

    /// Counts local actors other than the instance actor (for NodeInfo).
    package func localActorCount(kind: ActorProfile.Kind) async throws -> Int {
        try await writer.read { db in
            try ActorRecord.filter(Column("isLocal") == true && Column("kind") == kind.rawValue).fetchCount(db)
        }
    }

    /// Counts the public, live objects that local organisations published (NodeInfo's
    /// `localPosts`): news, events and articles. Read through the author index, so the count costs
    /// the local objects, not every object received.
    package func localPostCount() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM object
                WHERE attributedTo IN (SELECT id FROM actor WHERE isLocal = 1 AND kind = ?) AND isLocal = 1 AND isPublic = 1 AND type != 'Tombstone'
                """, arguments: [ActorProfile.Kind.organization.rawValue]) ?? 0
        }
    }
}

extension AppDatabase {
    /// Replaces a local actor's display fields and served document and, in the same transaction,
    /// stores the Update announcing it with its deliveries.
    package func updateLocalActor(
        id: String, name: String?, summary: String?, document: Data, activities: [ActivityRecord], deliveries: [DeliveryRecord]
    ) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE actor SET name = ?, summary = ?, document = ? WHERE id = ? AND isLocal",
                arguments: [name, summary, document, id])
            try Self.insert(activities: activities, deliveries: deliveries, db)
        }
    }
}
