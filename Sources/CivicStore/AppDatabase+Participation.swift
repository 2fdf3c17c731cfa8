import Foundation
import GRDB

extension AppDatabase {
    /// What announces a join once its state is known: the activities and deliveries to store
    /// for each possible outcome (`accepted`, `rejected`, `pending`).
    package typealias Announcements = [String: (activities: [ActivityRecord], deliveries: [DeliveryRecord])]

    /// Records a join (replacing an earlier one by the same actor) with the activities and
    /// deliveries that announce its outcome, in one transaction. With `capacity`, the join is
    /// stored as `rejected` when the event already has that many accepted participants. A join
    /// by an actor already accepted changes nothing: it is announced as `accepted` again.
    ///
    /// - Returns: the state stored.
    @discardableResult
    package func saveParticipation(
        _ participation: ParticipationRecord, capacity: Int? = nil, announcements: Announcements = [:]
    ) async throws -> String {
        try await writer.write { db in
            let existing = try String.fetchOne(
                db, sql: "SELECT state FROM participation WHERE eventId = ? AND actorId = ?",
                arguments: [participation.eventId, participation.actorId])
            if existing == "accepted" {
                let announcement = announcements["accepted"]
                try Self.insert(activities: announcement?.activities ?? [], deliveries: announcement?.deliveries ?? [], db)
                return "accepted"
            }
            var record = participation
            if let capacity, record.state == "accepted" {
                let taken = try ParticipationRecord
                    .filter(Column("eventId") == record.eventId && Column("state") == "accepted" && Column("actorId") != record.actorId)
                    .fetchCount(db)
                if taken >= capacity { record.state = "rejected" }
            }
            try ParticipationRecord.filter(Column("eventId") == record.eventId && Column("actorId") == record.actorId).deleteAll(db)
            if record.state != "rejected" { try record.insert(db) }
            let announcement = announcements[record.state]
            try Self.insert(activities: announcement?.activities ?? [], deliveries: announcement?.deliveries ?? [], db)
            return record.state
        }
    }

    /// Sets the state of a join we sent, found by the Join's id; only the event's organiser
    /// answers, which the caller checks. Returns false when there was no such join.
    @discardableResult
    package func answerParticipation(activityID: String, accepted: Bool) async throws -> Bool {
        try await writer.write { db in
            let request = ParticipationRecord.filter(Column("activityId") == activityID)
            if accepted { return try request.updateAll(db, Column("state").set(to: "accepted")) > 0 }
            return try request.deleteAll(db) > 0
        }
    }

    /// The join an actor made for an event.
    package func participation(event: String, actor: String) async throws -> ParticipationRecord? {
        try await writer.read { db in
            try ParticipationRecord.filter(Column("eventId") == event && Column("actorId") == actor).fetchOne(db)
        }
    }

    /// The join with this `Join` activity id.
    package func participation(activityID: String) async throws -> ParticipationRecord? {
        try await writer.read { db in try ParticipationRecord.filter(Column("activityId") == activityID).fetchOne(db) }
    }

    /// Removes a participation (Leave), with the activities and deliveries announcing it.
    @discardableResult
    package func deleteParticipation(
        event: String, actor: String, activities: [ActivityRecord] = [], deliveries: [DeliveryRecord] = []
    ) async throws -> Bool {
        try await writer.write { db in
            let deleted = try ParticipationRecord.filter(Column("eventId") == event && Column("actorId") == actor).deleteAll(db) > 0
            try Self.insert(activities: activities, deliveries: deliveries, db)
            return deleted
        }
    }

    /// Accepted participants of an event, in order of joining.
    package func attendees(of event: String) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(
                db, ParticipationRecord.select(Column("actorId"))
                    .filter(Column("eventId") == event && Column("state") == "accepted").order(Column("id")))
        }
    }

    /// How many take part in an event (accepted joins).
    package func attendeeCount(of event: String) async throws -> Int {
        try await writer.read { db in
            try ParticipationRecord.filter(Column("eventId") == event && Column("state") == "accepted").fetchCount(db)
        }
    }
}
