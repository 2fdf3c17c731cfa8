import CivicCrypto
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Sends queued deliveries: signed POSTs, at most `maxPerHost` at once per host and
/// `maxConcurrent` overall, retried on the `RetryPolicy` schedule. Rows stay `pending` until a
/// 2xx, so a crash or `kill -9` loses nothing: on restart they are sent again.
package final class DeliveryWorker: Service, Sendable {
    let database: AppDatabase
    let http: SafeHTTPClient
    let signers: SignerCache
    let clock: any Clock
    let logger: Logger
    let retry = RetryPolicy()
    let maxConcurrent: Int
    let maxPerHost: Int
    /// Signalled by use cases after they queue deliveries.
    package let wake = WakeSignal()

    private struct InFlight {
        var ids: Set<Int64> = []
        var perHost: [String: Int] = [:]
    }
    private let inFlight = Mutex(InFlight())

    package init(
        database: AppDatabase, http: SafeHTTPClient, signers: SignerCache, clock: any Clock, logger: Logger,
        maxConcurrent: Int = 32, maxPerHost: Int = 4
    ) {
        self.database = database
        self.http = http
        self.signers = signers
        self.clock = clock
        self.logger = logger
        self.maxConcurrent = maxConcurrent
        self.maxPerHost = maxPerHost
    }

    package func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                await wake.run(every: .milliseconds(500)) { await dispatchDue(into: &group) }
            }
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }

    /// True when no delivery is due now or in flight (tests wait on this, not on sleeps).
    package func isIdle() async throws -> Bool {
        let busy = inFlight.withLock { !$0.ids.isEmpty }
        if busy { return false }
        return try await database.dueDeliveries(now: clock.now, limit: 1, excluding: []).isEmpty
    }

    private func dispatchDue(into group: inout DiscardingTaskGroup) async {
        let excluded = inFlight.withLock { $0.ids }
        let capacity = maxConcurrent - excluded.count
        guard capacity > 0 else { return }
        let due: [DueDelivery]
        do {
            due = try await database.dueDeliveries(now: clock.now, limit: capacity * 4, excluding: excluded)
        } catch {
            logger.error("delivery.read.failed", metadata: ["error": "\(error)"])
            return
        }
        for due in due {
            let delivery = due.record
            guard let id = delivery.id else { continue }
            let admitted = inFlight.withLock { state -> Bool in
                guard state.ids.count < maxConcurrent, state.perHost[delivery.host, default: 0] < maxPerHost else { return false }
                state.ids.insert(id)
                state.perHost[delivery.host, default: 0] += 1
                return true
            }
            guard admitted else { continue }
            group.addTask {
                await self.attempt(due, id: id)
                self.inFlight.withLock { state in
                    state.ids.remove(id)
                    state.perHost[delivery.host, default: 1] -= 1
                    if state.perHost[delivery.host] == 0 { state.perHost[delivery.host] = nil }
                }
                self.wake.signal()
            }
        }
    }

    private func attempt(_ due: DueDelivery, id: Int64) async {
        let delivery = due.record
        let now = clock.now
        var metadata: Logger.Metadata = ["activity.id": "\(delivery.activityId)", "inbox.url": "\(delivery.inbox)", "job.attempt": "\(delivery.attempts + 1)"]
        do {
            if let parked = probeTime(for: due, now: now) {
                try await database.recordDeliveryFailure(
                    id: id, host: delivery.host, status: nil, error: "host unavailable", nextAttemptAt: parked, now: now,
                    unavailableAfterDays: RetryPolicy.unavailableAfterDays, countAttempt: false)
                return
            }
            let signer = try await signers.signer(for: delivery.signerId)
            let response = try await http.post(delivery.inbox, body: delivery.body, contentType: AS.ldJSON, signer: signer)
            try response.requireSuccess(delivery.inbox)
            try await database.recordDeliverySuccess(id: id, host: delivery.host, status: response.status, now: clock.now)
            logger.debug("delivery.succeeded", metadata: metadata)
        } catch {
            // Stopping the node cancels attempts in flight: the row stays pending, unattempted,
            // and is sent again after the restart.
            if Task.isCancelled { return }
            let failure = error as? FederationError
                ?? FederationError(.transient, code: "delivery.error", reason: String(describing: error))
            let attempts = delivery.attempts + 1
            let next = failure.kind == .transient
                ? retry.nextAttempt(after: attempts, now: now, retryAfter: failure.retryAfter, jitterSeed: id) : nil
            metadata["error"] = "\(failure.code): \(failure.reason)"
            metadata["delivery.next"] = "\(next.map(Timestamp.string) ?? "never")"
            logger.info("delivery.failed", metadata: metadata)
            do {
                try await database.recordDeliveryFailure(
                    id: id, host: delivery.host, status: failure.status, error: "\(failure.code): \(failure.reason)",
                    nextAttemptAt: next, now: clock.now, unavailableAfterDays: RetryPolicy.unavailableAfterDays,
                    countAttempt: true)
            } catch {
                logger.error("delivery.record.failed", metadata: ["activity.id": "\(delivery.activityId)", "error": "\(error)"])
            }
        }
    }

    /// For a host marked unavailable, when to try next: one delivery a day probes it, the rest
    /// wait; nil means send now.
    private func probeTime(for due: DueDelivery, now: Date) -> Date? {
        guard due.hostUnavailableSince != nil, let lastFailure = due.hostLastFailureAt else { return nil }
        let probeAt = lastFailure.addingTimeInterval(RetryPolicy.unavailableProbeInterval)
        return probeAt > now ? probeAt : nil
    }
}
