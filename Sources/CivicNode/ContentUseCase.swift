import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation
import Logging

/// Content received from other servers: stored sanitised on Create, replaced on a newer Update,
/// removed on Delete — each only when the sender is the object's author (checked before the
/// 202 by `ContentPolicy`, and again here against what is stored).
struct ContentUseCase {
    let node: Node
    /// Object types kept; others are acknowledged and dropped until their kinds are supported.
    static let keptTypes: Set<String> = ["Note", "Event", "Article"]

    func register(into listeners: inout InboxListeners) {
        listeners.on(.create) { try await receiveCreate($0) }
        listeners.on(.update) { try await receiveUpdate($0) }
        listeners.on(.delete) { try await receiveDelete($0) }
    }

    func receiveCreate(_ activity: InboxActivity) async throws {
        guard let object = activity.document["object"], let objectID = object.iri else { return }
        let document: JSONValue
        if case .object = object {
            document = object
        } else {
            document = try await node.resolver.object(id: objectID)
            guard document["attributedTo"]?.iris.first == activity.actorID else { return }
        }
        try await store(document, author: activity.actorID, with: activity.batch)
    }

    /// Stores a received object by `author` (already checked to be its owner), sanitised, with
    /// the key whose proof verified, as part of the inbox worker's batch.
    func store(_ document: JSONValue, author: String, with batch: InboxBatch) async throws {
        if let (event, metadata) = refusal(of: document, author: author) { return node.logger.info("\(event)", metadata: metadata) }
        guard var record = try record(for: document, author: author) else { return }
        record.proofVerificationMethod = try await verifiedProof(of: document, author: author)
        batch.insert(record)
    }

    /// What a `Create` changes, decided as it arrives, when that needs nothing but the activity:
    /// its object embedded, of a type kept, with no proof to check again, and nothing to refuse.
    /// The inbox then stores the object in the transaction that stores the activity. Anything
    /// else is `later`: the worker decides, and logs what it refuses.
    func effectOnReceipt(of activity: IncomingActivity) -> ReceiptEffect {
        guard activity.type == AS.ActivityType.create.rawValue, let object = activity.object, case .object = object,
              object["proof"] == nil, object.types.first.map(Self.keptTypes.contains) == true,
              !node.resolver.isForgotten(activity.actor), refusal(of: object, author: activity.actor) == nil,
              let record = try? record(for: object, author: activity.actor)
        else { return .later }
        return .store(record)
    }

    /// Why a received object by `author` is not kept, as a log event: it is from a blocked actor
    /// or domain, or over the list limits. Nil when it may be kept.
    private func refusal(of document: JSONValue, author: String) -> (String, Logger.Metadata)? {
        if let id = document.iri, node.blocks.blocks(id) || node.blocks.blocks(author) {
            return ("content.blocked", ["object.id": "\(id)", "object.author": "\(author)"])
        }
        do {
            try IncomingActivity.checkListLengths(document)
            return nil
        } catch {
            return ("content.refused", ["object.id": "\(document.iri ?? "")", "error": "\(error.reason)"])
        }
    }

    func receiveUpdate(_ activity: InboxActivity) async throws {
        // An actor updating its own profile: keep the new document (its keys must stay on its origin).
        if let object = activity.document["object"], object.iri == activity.actorID,
           ActorProfile.Kind.allCases.contains(where: { object.hasType($0.rawValue) })
        {
            let profile = try ASMapper.actor(from: object, fetchedFrom: activity.actorID)
            try await node.database.saveRemoteActor(ActorRecord(profile: profile, document: CanonicalJSON.encode(object), fetchedAt: node.clock.now))
            return
        }
        guard let object = activity.document["object"], let objectID = object.iri,
              var record = try record(for: object, author: activity.actorID)
        else { return }
        record.proofVerificationMethod = try await verifiedProof(of: object, author: activity.actorID)
        // A Create of it may be in the same batch, not yet written; it is also checked against
        // what is stored (that pending Create may repeat an object already here).
        let pending = activity.batch.pendingObject(id: objectID)
        if let pending {
            guard pending.attributedTo == activity.actorID else { return }
            if let newVersion = record.updated, newVersion > (pending.updated ?? pending.published) {
                var replaced = record
                replaced.published = pending.published
                activity.batch.replacePending(replaced)
            }
        }
        // Deliveries can overtake each other: an Update of an object not seen yet stands in for
        // its Create (which is then ignored as older).
        guard let stored = try await node.database.object(id: objectID) else {
            if pending == nil { activity.batch.insert(record) }
            return
        }
        guard !stored.isLocal, stored.attributedTo == activity.actorID else { return }
        // Updates can arrive out of order: only a newer version replaces the stored one.
        guard let newVersion = record.updated, newVersion > (stored.updated ?? stored.published) else {
            node.logger.info("content.update.stale", metadata: ["activity.id": "\(activity.id)", "object.id": "\(objectID)"])
            return
        }
        var replaced = record
        replaced.published = stored.published
        try await node.database.replace(object: replaced)
    }

    func receiveDelete(_ activity: InboxActivity) async throws {
        guard let objectID = activity.document["object"]?.iri else { return }
        if objectID == activity.actorID { return try await forgetActor(activity) }
        if let pending = activity.batch.pendingObject(id: objectID), pending.attributedTo == activity.actorID {
            activity.batch.dropPending(id: objectID)
        }
        guard let stored = try await node.database.object(id: objectID),
              !stored.isLocal, stored.attributedTo == activity.actorID
        else { return }
        try await node.database.deleteObject(id: objectID)
    }

    /// An actor deleted itself (checked by the inbox to be signed with the key this node knew):
    /// its follows, participations and content go, here and in the batch not yet written.
    private func forgetActor(_ activity: InboxActivity) async throws {
        activity.batch.dropPending(attributedTo: activity.actorID)
        node.resolver.forget(actor: activity.actorID)
        let removed = try await node.database.forgetRemoteActor(id: activity.actorID, at: node.clock.now)
        // Again: a request verified while the rows went may have cached its key from them.
        node.resolver.forget(actor: activity.actorID)
        node.logger.info("actor.deleted", metadata: [
            "actor.id": "\(activity.actorID)", "actor.objects": "\(removed.objects)", "actor.deliveries": "\(removed.deliveries)",
        ])
    }

    /// The key whose proof on the object verified (checked again: the stored copy is sanitised,
    /// so the proof is checked on what arrived).
    private func verifiedProof(of object: JSONValue, author: String) async throws -> String? {
        guard object["proof"] != nil else { return nil }
        return try await ContentPolicy(node: node).verifyProof(of: object, by: author)
    }

    /// The stored form of a received object: validated, its HTML sanitised, its proof kept.
    private func record(for object: JSONValue, author: String) throws -> ObjectRecord? {
        guard case .object(var members) = object, let id = object.iri, let type = object.types.first else { return nil }
        guard Self.keptTypes.contains(type) else {
            node.logger.info("content.type.unsupported", metadata: ["object.id": "\(id)", "object.type": "\(type)"])
            return nil
        }
        for field in ["content", "summary"] {
            guard let value = members[field] else { continue }
            guard let html = value.stringValue, html.utf8.count <= 100_000 else {
                throw DomainError.invalid(field: field, reason: "must be a string of at most 100,000 bytes")
            }
            members[field] = .string(HTMLSanitizer.sanitize(html))
        }
        // Language maps: HTML sanitised like `content`, titles kept as text; values that are not text dropped.
        for field in ["contentMap", "summaryMap", "nameMap"] {
            guard let map = members[field]?.objectValue else { continue }
            members[field] = .object(map.compactMapValues { value in
                guard let text = value.stringValue else { return nil }
                return .string(field == "nameMap" ? text : HTMLSanitizer.sanitize(text))
            })
        }
        // A `published` in the future would pin the object to the top of every list.
        let published = min(object["published"]?.stringValue.flatMap(Timestamp.date) ?? node.clock.now, node.clock.now)
        members["published"] = .string(Timestamp.string(published))
        let updated = object["updated"]?.stringValue.flatMap(Timestamp.date)
        let audience = (object["to"]?.iris ?? []) + (object["cc"]?.iris ?? [])
        return ObjectRecord(
            id: id, type: type, attributedTo: author, isLocal: false, isPublic: audience.contains { AS.publicAliases.contains($0) },
            document: CanonicalJSON.encode(.object(members)), published: published, updated: updated)
    }
}
