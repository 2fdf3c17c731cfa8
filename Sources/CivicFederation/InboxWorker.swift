import CivicModel
import CivicStore
import CivicVocabulary
import Foundation
import Logging
import ServiceLifecycle

/// A stored inbox activity handed to a listener.
package struct InboxActivity: Sendable {
    package var id: String
    package var type: String
    package var actorID: String
    package var document: JSONValue
    /// Writes that go out with the batch this activity belongs to.
    package var batch: InboxBatch
}

/// What the node does with each activity type; registered by CivicNode at start, so this
/// target never calls up into use cases. Types without a listener are stored and marked done.
package struct InboxListeners: Sendable {
    package typealias Listener = @Sendable (InboxActivity) async throws -> Void
    private var byType: [String: Listener] = [:]
    /// Actors whose activities are marked done without a listener (actors that deleted
    /// themselves while what they sent before was still queued).
    package var ignores: @Sendable (_ actorID: String) -> Bool = { _ in false }

    package init() {}

    /// Registers the listener for one activity type (replacing any earlier one).
    package mutating func on(_ type: AS.ActivityType, _ listener: @escaping Listener) {
        byType[type.rawValue] = listener
    }

    func listener(for type: String) -> Listener? { byType[type] }
}

/// Applies the side effects of accepted inbox activities, in arrival order, after the 202.
package final class InboxWorker: Service, Sendable {
    let database: AppDatabase
    let listeners: InboxListeners
    let logger: Logger
    /// Signalled by the inbox after each stored activity.
    let wake: WakeSignal
    /// Where the inbox leaves the activities it parsed.
    let handoff: InboxHandoff
    let clock: any Clock

    package init(
        database: AppDatabase, listeners: InboxListeners, wake: WakeSignal, handoff: InboxHandoff, clock: any Clock, logger: Logger
    ) {
        self.database = database
        self.listeners = listeners
        self.wake = wake
        self.handoff = handoff
        self.clock = clock
        self.logger = logger
    }

    /// What became of one item.
    enum Outcome {
        case done
        /// Failed for good, with the reason.
        case failed(String)
        /// Failed for a transient reason (a server that did not answer): tried again at `at`.
        case retry(String, at: Date)
    }

    package func run() async throws {
        await withGracefulShutdownHandler {
            await wake.run(every: .milliseconds(500)) { await drain() }
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }

    /// Processes every pending item; returns when none is left.
    package func drain() async {
        while !Task.isCancelled {
            let batch: [InboxItemRecord]
            do {
                batch = try await database.pendingInboxItems(limit: 64, now: clock.now)
            } catch {
                logger.error("inbox.read.failed", metadata: ["error": "\(error)"])
                return
            }
            if batch.isEmpty { return }
            var outcomes: [(id: Int64, failure: String?)] = []
            var retrying: [(id: Int64, error: String, at: Date)] = []
            let writes = InboxBatch()
            for item in batch {
                guard let id = item.id else { continue }
                switch await process(item, writes: writes) {
                case .done: outcomes.append((id, nil))
                case .failed(let reason): outcomes.append((id, reason))
                case .retry(let reason, let at): retrying.append((id, reason, at))
                }
            }
            do {
                try await database.finishInboxItems(outcomes, retrying: retrying, storing: writes.pending)
            } catch {
                logger.error("inbox.finish.failed", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// Runs the listener. A failure for a transient reason is tried again on `RetryPolicy`'s
    /// schedule (like a delivery), until the schedule runs out.
    private func process(_ item: InboxItemRecord, writes: InboxBatch) async -> Outcome {
        do {
            let document = try item.id.flatMap(handoff.take) ?? JSONParser(limits: .stored).parse(item.document)
            if !listeners.ignores(item.actorId), let listener = listeners.listener(for: item.type) {
                try await listener(
                    InboxActivity(id: item.activityId, type: item.type, actorID: item.actorId, document: document, batch: writes))
            }
            return .done
        } catch {
            logger.warning(
                "inbox.process.failed",
                metadata: ["activity.id": "\(item.activityId)", "activity.type": "\(item.type)", "error": "\(error)"])
            let transient = (error as? FederationError)?.kind == .transient || (error as? DomainError)?.kind == .unavailable
            if transient, let id = item.id,
               let next = RetryPolicy().nextAttempt(
                   after: item.attempts + 1, now: clock.now, retryAfter: (error as? FederationError)?.retryAfter, jitterSeed: id)
            {
                return .retry(String(describing: error), at: next)
            }
            return .failed(String(describing: error))
        }
    }
}
