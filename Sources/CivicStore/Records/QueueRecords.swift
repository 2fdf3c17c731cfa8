import Foundation
import GRDB

/// A row of `follow`.
package struct FollowRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "follow"

    package var id: Int64?
    package var followerId: String
    package var followeeId: String
    package var activityId: String
    package var state: String
    package var createdAt: Date

    package init(followerId: String, followeeId: String, activityId: String, state: String, createdAt: Date) {
        self.followerId = followerId
        self.followeeId = followeeId
        self.activityId = activityId
        self.state = state
        self.createdAt = createdAt
    }
}

/// A row of `activity`: every activity authored here, and those received that the node keeps.
package struct ActivityRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "activity"

    package var id: String
    package var type: String
    package var actorId: String
    package var objectId: String?
    package var isLocal: Bool
    package var isPublic: Bool
    /// Canonical JSON as served.
    package var document: Data
    package var published: Date

    package init(id: String, type: String, actorId: String, objectId: String?, isLocal: Bool, isPublic: Bool, document: Data, published: Date) {
        self.id = id
        self.type = type
        self.actorId = actorId
        self.objectId = objectId
        self.isLocal = isLocal
        self.isPublic = isPublic
        self.document = document
        self.published = published
    }
}

/// A row of `inboxItem`: an activity accepted with 202, waiting for (or done with) its side effects.
package struct InboxItemRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "inboxItem"

    package var id: Int64?
    package var activityId: String
    package var actorId: String
    package var type: String
    package var document: Data
    package var receivedAt: Date
    package var state: String
    package var attempts: Int
    package var lastError: String?
    /// When a pending item that failed for a transient reason is due again; nil when due now.
    package var nextAttemptAt: Date?

    package init(activityId: String, actorId: String, type: String, document: Data, receivedAt: Date) {
        self.activityId = activityId
        self.actorId = actorId
        self.type = type
        self.document = document
        self.receivedAt = receivedAt
        state = "pending"
        attempts = 0
    }
}

/// A row of `delivery`: one signed POST of one activity to one inbox.
package struct DeliveryRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "delivery"

    package var id: Int64?
    package var activityId: String
    package var inbox: String
    /// `host[:port]` of the inbox, for per-host limits and availability.
    package var host: String
    /// The local actor whose key signs the POST.
    package var signerId: String
    package var body: Data
    package var state: String
    package var attempts: Int
    package var nextAttemptAt: Date
    package var lastStatus: Int?
    package var lastError: String?
    package var createdAt: Date
    package var updatedAt: Date

    package init(activityId: String, inbox: String, host: String, signerId: String, body: Data, at date: Date) {
        self.activityId = activityId
        self.inbox = inbox
        self.host = host
        self.signerId = signerId
        self.body = body
        state = "pending"
        attempts = 0
        nextAttemptAt = date
        createdAt = date
        updatedAt = date
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A row of `host`: delivery health of a remote server.
package struct HostRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "host"

    package var host: String
    package var failureDays: Int
    /// The last UTC day (`yyyy-MM-dd`) a delivery to the host failed.
    package var lastFailureDay: String?
    package var lastFailureAt: Date?
    package var unavailableSince: Date?
    package var lastSuccessAt: Date?

    package init(host: String) {
        self.host = host
        failureDays = 0
    }
}

/// A row of `object`: a note (later events, articles), local or remote, with its canonical document;
/// a deleted local object stays as a `Tombstone`.
package struct ObjectRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "object"

    package var id: String
    package var type: String
    package var attributedTo: String
    package var isLocal: Bool
    package var isPublic: Bool
    package var document: Data
    package var published: Date
    /// When the author last changed it; updates older than this are ignored.
    package var updated: Date?
    /// The key whose FEP-8b32 proof on the received object verified, if it carried one.
    package var proofVerificationMethod: String?

    package init(
        id: String, type: String, attributedTo: String, isLocal: Bool, isPublic: Bool, document: Data, published: Date,
        updated: Date? = nil, proofVerificationMethod: String? = nil
    ) {
        self.id = id
        self.type = type
        self.attributedTo = attributedTo
        self.isLocal = isLocal
        self.isPublic = isPublic
        self.document = document
        self.published = published
        self.updated = updated
        self.proofVerificationMethod = proofVerificationMethod
    }
}

/// A row of `participation`: an actor taking part in an event.
package struct ParticipationRecord: Codable, Sendable, FetchableRecord, PersistableRecord, StoresDates {
    package static let databaseTableName = "participation"

    package var id: Int64?
    package var eventId: String
    package var actorId: String
    /// The `Join` activity's id, which the organiser's Accept or Reject refers to.
    package var activityId: String
    package var state: String
    package var createdAt: Date

    package init(eventId: String, actorId: String, activityId: String, state: String, createdAt: Date) {
        self.eventId = eventId
        self.actorId = actorId
        self.activityId = activityId
        self.state = state
        self.createdAt = createdAt
    }
}
