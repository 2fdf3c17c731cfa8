import CivicModel
import CivicStore
import Foundation
import Synchronization

/// Serves the stored documents of local actors, objects and activities, through a small
/// in-memory cache: reads are most of a node's traffic, and a cached document is served
/// without touching the database.
///
/// Writes in this process invalidate entries; entries also expire after `ttl`, which bounds
/// how long a change made by another process (the CLI on the same data) can take to show.
package final class DocumentCache: Sendable {
    package struct Entry: Sendable {
        package var bytes: Data
        /// True for a Tombstone (served with 410).
        package var gone: Bool
        var storedAt: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    let ttl: TimeInterval
    let maxEntries: Int

    package init(ttl: TimeInterval = 10, maxEntries: Int = 10_000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    func entry(_ key: String, now: Date) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key], now.timeIntervalSince(entry.storedAt) < ttl else { return nil }
            return entry
        }
    }

    func store(_ key: String, bytes: Data, gone: Bool, now: Date) {
        entries.withLock { entries in
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(bytes: bytes, gone: gone, storedAt: now)
        }
    }

    /// Drops a changed document.
    package func invalidate(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}

/// Looks up the documents the ActivityPub routes serve.
package struct DocumentUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// A local organisation's actor document, or `notFound`.
    package func actor(named name: String) async throws -> Data {
        try await cached("actor:\(name)") {
            try await node.database.localActor(named: name).map { ($0.document, false) }
        }.bytes
    }

    /// The instance actor's document (every server that checks our signatures fetches it).
    package func instanceActor() async throws -> Data {
        try await cached(node.uris.instanceActor) {
            try await node.database.actor(id: node.uris.instanceActor).map { ($0.document, false) }
        }.bytes
    }

    /// A public local object (its Tombstone, `gone`, once deleted), or `notFound`.
    package func object(id: String) async throws -> DocumentCache.Entry {
        try await cached(id) {
            guard let record = try await node.database.object(id: id), record.isLocal, record.isPublic else { return nil }
            return (record.document, record.type == "Tombstone")
        }
    }

    /// A public local activity (a Tombstone, `gone`, once the object it carried was deleted), or
    /// `notFound`.
    package func activity(id: String) async throws -> DocumentCache.Entry {
        try await cached(id) {
            guard let record = try await node.database.activity(id: id), record.isLocal, record.isPublic else { return nil }
            return (record.document, record.type == "Tombstone")
        }
    }

    private func cached(_ key: String, load: () async throws -> (Data, Bool)?) async throws -> DocumentCache.Entry {
        let now = node.clock.now
        if let entry = node.documents.entry(key, now: now) { return entry }
        guard let (bytes, gone) = try await load() else {
            throw DomainError.notFound("document.notFound", "nothing public is served at this address")
        }
        node.documents.store(key, bytes: bytes, gone: gone, now: now)
        return DocumentCache.Entry(bytes: bytes, gone: gone, storedAt: now)
    }
}
