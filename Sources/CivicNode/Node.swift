import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation
import Logging

/// Everything a use case may use, assembled once per process: the database, the URI builder,
/// the clock, and the federation components that carry side effects.
package final class Node: Sendable {
    package let database: AppDatabase
    package let uris: URIBuilder
    package let clock: any Clock
    package let http: SafeHTTPClient
    package let signers: SignerCache
    package let resolver: ActorResolver
    package let deliveries: DeliveryWorker
    /// Served documents, kept in memory.
    package let documents = DocumentCache()
    /// Wakes the inbox worker after an activity is stored.
    package let inboxWake = WakeSignal()
    /// Hands the activities the inbox parsed to the inbox worker.
    package let inboxHandoff = InboxHandoff()
    let verifier: InboxVerifier
    package let logger: Logger
    /// Rate limits and back-pressure.
    package let limits: AbuseLimits
    /// Domains and actors this node does not federate with (kept by `BlockUseCase`).
    package var blocks: BlockList { http.blocks }

    package init(
        database: AppDatabase, uris: URIBuilder, clock: any Clock, policy: AddressPolicy, limits: AbuseLimits = AbuseLimits(), logger: Logger
    ) {
        self.database = database
        self.limits = limits
        self.uris = uris
        self.clock = clock
        self.logger = logger
        http = SafeHTTPClient(policy: policy, userAgent: "civichub/\(NodeInfo.version) (+\(uris.base)/)")
        signers = SignerCache(database: database, uris: uris)
        resolver = ActorResolver(http: http, database: database, signers: signers, uris: uris, clock: clock)
        deliveries = DeliveryWorker(database: database, http: http, signers: signers, clock: clock, logger: logger)
        verifier = InboxVerifier(resolver: resolver, clock: clock)
    }

    /// The inbox worker with this node's listeners registered.
    package func makeInboxWorker() -> InboxWorker {
        var listeners = InboxListeners()
        listeners.ignores = { [resolver] in resolver.isForgotten($0) }
        FollowUseCase(node: self).register(into: &listeners)
        ContentUseCase(node: self).register(into: &listeners)
        ParticipationUseCase(node: self).register(into: &listeners)
        AnnounceUseCase(node: self).register(into: &listeners)
        ReportUseCase(node: self).register(into: &listeners)
        // Accept and Reject answer either a Join or a Follow.
        for (type, accepted) in [(AS.ActivityType.accept, true), (.reject, false)] {
            listeners.on(type) { activity in
                if try await ParticipationUseCase(node: self).receiveAnswer(activity, accepted: accepted) { return }
                try await FollowUseCase(node: self).receiveAnswer(activity, accepted: accepted)
            }
        }
        return InboxWorker(database: database, listeners: listeners, wake: inboxWake, handoff: inboxHandoff, clock: clock, logger: logger)
    }

    /// Closes outbound connections.
    package func shutdown() async throws {
        try await http.shutdown()
    }
}

/// What this software is, for NodeInfo and the User-Agent.
package enum NodeInfo {
    package static let software = "civichub"
    package static let version = "0.1.0"
}
