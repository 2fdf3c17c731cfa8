import CivicStore
import Foundation

/// Received objects the inbox worker stores with a batch's bookkeeping, in the one transaction
/// that marks the batch's items done: one write per batch instead of one per activity, and an
/// item is never marked done without its object (nor its object stored twice). Listeners that
/// read or change an object look here first, so a batch behaves as if each write happened in
/// arrival order.
package final class InboxBatch: @unchecked Sendable {
    private let lock = NSLock()
    private var objects: [String: ObjectRecord] = [:]
    private var order: [String] = []

    package init() {}

    /// Stores `object` with the batch unless an object with its id is already pending.
    package func insert(_ object: ObjectRecord) {
        lock.withLock {
            guard objects[object.id] == nil else { return }
            objects[object.id] = object
            order.append(object.id)
        }
    }

    /// The object this batch will store under `id`, if any.
    package func pendingObject(id: String) -> ObjectRecord? {
        lock.withLock { objects[id] }
    }

    /// Replaces a pending object (a newer version arrived in the same batch).
    package func replacePending(_ object: ObjectRecord) {
        lock.withLock {
            guard objects[object.id] != nil else { return }
            objects[object.id] = object
        }
    }

    /// Drops a pending object (deleted in the same batch); true when there was one.
    @discardableResult
    package func dropPending(id: String) -> Bool {
        lock.withLock { objects.removeValue(forKey: id) != nil }
    }

    /// Drops the pending objects of `author` (an actor that deleted itself in the same batch).
    package func dropPending(attributedTo author: String) {
        lock.withLock { objects = objects.filter { $0.value.attributedTo != author } }
    }

    /// The pending objects, in the order they were first stored.
    var pending: [ObjectRecord] {
        lock.withLock { order.compactMap { objects[$0] } }
    }
}
