import CivicVocabulary
import Synchronization

/// Activities the inbox has just stored, already parsed, for the inbox worker to take instead of
/// parsing their stored bytes again (a second JSON parse of every activity, in the ingest
/// profile). Only a shortcut: the stored row stays the record, and an item not found here (after
/// a restart, or while the worker is `capacity` items behind) is parsed from its row as before.
package final class InboxHandoff: Sendable {
    private let documents = Mutex<[Int64: JSONValue]>([:])
    /// Most documents held; past it the worker parses from the rows.
    let capacity: Int

    package init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// Leaves the parsed document of the inbox row `id`.
    package func put(_ id: Int64, _ document: JSONValue) {
        documents.withLock { documents in
            guard documents.count < capacity else { return }
            documents[id] = document
        }
    }

    /// The parsed document of row `id`, if the inbox left it here (once).
    package func take(_ id: Int64) -> JSONValue? {
        documents.withLock { documents in
            let document = documents.removeValue(forKey: id)
            // Rows before this one that were never taken (finished by another process, such as the
            // CLI) must not hold the places for ever: the worker takes rows in id order.
            if documents.count >= capacity { documents = documents.filter { $0.key > id } }
            return document
        }
    }
}
