import GRDB

/// The schema, as migrations that never change once shipped.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("20261126-foundation", migrate: foundation)
        migrator.registerMigration("20261126-objects", migrate: objects)
        migrator.registerMigration("20261127-blocks", migrate: blocks)
        migrator.registerMigration("20261127-reports", migrate: reports)
        migrator.registerMigration("20261127-inbox-retries", migrate: inboxRetries)
        migrator.registerMigration("20261128-inbox-waiting", migrate: inboxWaiting)
        return migrator
    }

    /// Actors, keys, follows, activities, the inbox and delivery queues, host health and admin tokens.
    private static func foundation(_ db: Database) throws {
        try db.create(table: "actor") { table in
            table.primaryKey("id", .text)
            table.column("kind", .text).notNull()
            table.column("preferredUsername", .text).notNull()
            table.column("host", .text).notNull()
            table.column("name", .text)
            table.column("summary", .text)
            table.column("inbox", .text).notNull()
            table.column("sharedInbox", .text)
            table.column("outbox", .text)
            table.column("followers", .text)
            table.column("following", .text)
            table.column("publicKeyId", .text)
            table.column("publicKeyPem", .text)
            table.column("ed25519KeyId", .text)
            table.column("ed25519Multibase", .text)
            table.column("manuallyApprovesFollowers", .boolean).notNull().defaults(to: false)
            table.column("discoverable", .boolean).notNull().defaults(to: false)
            table.column("indexable", .boolean).notNull().defaults(to: false)
            table.column("isLocal", .boolean).notNull()
            table.column("document", .blob).notNull()
            table.column("fetchedAt", .datetime).notNull()
        }
        try db.create(index: "actor_on_host_preferredUsername", on: "actor", columns: ["host", "preferredUsername"])
        try db.create(index: "actor_on_publicKeyId", on: "actor", columns: ["publicKeyId"])
        try db.create(index: "actor_on_ed25519KeyId", on: "actor", columns: ["ed25519KeyId"])
        try db.execute(sql: """
            CREATE UNIQUE INDEX actor_local_name ON actor(preferredUsername) WHERE isLocal
            """)

        try db.create(table: "localKey") { table in
            table.primaryKey("actorId", .text).references("actor", onDelete: .cascade)
            table.column("rsaPrivateKeyPem", .text).notNull()
            table.column("ed25519PrivateKey", .blob).notNull()
            table.column("createdAt", .datetime).notNull()
        }

        try db.create(table: "follow") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("followerId", .text).notNull().references("actor", onDelete: .cascade)
            table.column("followeeId", .text).notNull().references("actor", onDelete: .cascade)
            table.column("activityId", .text).notNull().unique()
            table.column("state", .text).notNull().check { ["pending", "accepted"].contains($0) }
            table.column("createdAt", .datetime).notNull()
            table.uniqueKey(["followerId", "followeeId"])
        }
        try db.create(index: "follow_on_followeeId_state", on: "follow", columns: ["followeeId", "state"])

        try db.create(table: "activity") { table in
            table.primaryKey("id", .text)
            table.column("type", .text).notNull()
            table.column("actorId", .text).notNull()
            table.column("objectId", .text)
            table.column("isLocal", .boolean).notNull()
            table.column("isPublic", .boolean).notNull()
            table.column("document", .blob).notNull()
            table.column("published", .datetime).notNull()
        }
        try db.create(index: "activity_on_actorId_published", on: "activity", columns: ["actorId", "published"])

        try db.create(table: "inboxItem") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("activityId", .text).notNull().unique()
            table.column("actorId", .text).notNull()
            table.column("type", .text).notNull()
            table.column("document", .blob).notNull()
            table.column("receivedAt", .datetime).notNull()
            table.column("state", .text).notNull().check { ["pending", "done", "failed"].contains($0) }
            table.column("attempts", .integer).notNull().defaults(to: 0)
            table.column("lastError", .text)
        }
        try db.create(index: "inboxItem_on_state", on: "inboxItem", columns: ["state", "id"])

        try db.create(table: "delivery") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("activityId", .text).notNull()
            table.column("inbox", .text).notNull()
            table.column("host", .text).notNull()
            table.column("signerId", .text).notNull()
            table.column("body", .blob).notNull()
            table.column("state", .text).notNull().check { ["pending", "delivered", "failed"].contains($0) }
            table.column("attempts", .integer).notNull().defaults(to: 0)
            table.column("nextAttemptAt", .datetime).notNull()
            table.column("lastStatus", .integer)
            table.column("lastError", .text)
            table.column("createdAt", .datetime).notNull()
            table.column("updatedAt", .datetime).notNull()
            table.uniqueKey(["activityId", "inbox"])
        }
        try db.create(index: "delivery_on_state_nextAttemptAt", on: "delivery", columns: ["state", "nextAttemptAt"])
        try db.create(index: "delivery_on_host_state", on: "delivery", columns: ["host", "state"])

        try db.create(table: "host") { table in
            table.primaryKey("host", .text)
            table.column("failureDays", .integer).notNull().defaults(to: 0)
            table.column("lastFailureDay", .text)
            table.column("lastFailureAt", .datetime)
            table.column("unavailableSince", .datetime)
            table.column("lastSuccessAt", .datetime)
        }

        try db.create(table: "setting") { table in
            table.primaryKey("key", .text)
            table.column("value", .text).notNull()
        }

        try db.create(table: "adminToken") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("tokenHash", .text).notNull().unique()
            table.column("createdAt", .datetime).notNull()
        }
    }

    /// Objects authored here or received: notes now, events and articles later.
    private static func objects(_ db: Database) throws {
        try db.create(table: "object") { table in
            table.primaryKey("id", .text)
            table.column("type", .text).notNull()
            table.column("attributedTo", .text).notNull()
            table.column("isLocal", .boolean).notNull()
            table.column("isPublic", .boolean).notNull()
            table.column("document", .blob).notNull()
            table.column("published", .datetime).notNull()
            table.column("updated", .datetime)
            table.column("proofVerificationMethod", .text)
        }
        try db.create(index: "object_on_attributedTo_published", on: "object", columns: ["attributedTo", "published"])

        // Who takes part in which event: joins received for local events, and joins local
        // actors sent to remote ones. `state` follows the organiser's answer.
        try db.create(table: "participation") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("eventId", .text).notNull()
            table.column("actorId", .text).notNull().references("actor", onDelete: .cascade)
            table.column("activityId", .text).notNull()
            table.column("state", .text).notNull().check { ["pending", "accepted", "rejected"].contains($0) }
            table.column("createdAt", .datetime).notNull()
            table.uniqueKey(["eventId", "actorId"])
        }
    }

    /// Domains and actors the operator does not federate with.
    private static func blocks(_ db: Database) throws {
        try db.create(table: "block") { table in
            // A domain (`host` or `host:port`) or an actor IRI.
            table.primaryKey("value", .text)
            table.column("kind", .text).notNull().check { ["domain", "actor"].contains($0) }
            table.column("reason", .text)
            table.column("createdAt", .datetime).notNull()
        }
    }

    /// Inbox items whose processing failed for a transient reason wait here until they are due again.
    private static func inboxRetries(_ db: Database) throws {
        try db.alter(table: "inboxItem") { table in table.add(column: "nextAttemptAt", .datetime) }
    }

    /// Pending inbox items that are not waiting for a retry: each inbox commit asks whether there
    /// are any (received activities are processed at once only when none are), and retries
    /// waiting for their time must not make it scan.
    private static func inboxWaiting(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX inboxItem_waiting ON inboxItem (id) WHERE state = 'pending' AND nextAttemptAt IS NULL")
    }

    /// Reports (`Flag`) that other servers' moderators forward about this node's actors and content.
    private static func reports(_ db: Database) throws {
        try db.create(table: "report") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("activityId", .text).notNull().unique()
            table.column("reporterId", .text).notNull()
            // The reported local actors and objects: IRIs, one a line.
            table.column("objects", .text).notNull()
            table.column("comment", .text)
            table.column("receivedAt", .datetime).notNull()
        }
    }
}
