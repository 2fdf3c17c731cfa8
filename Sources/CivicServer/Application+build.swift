import CivicFederation
import CivicModel
import CivicNode
import CivicStore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Opens the data directory and assembles a `Node`: database, instance actor, keys.
package enum NodeBootstrap {
    /// Creates the data directory and database if needed, migrates, and makes sure the
    /// instance actor exists. Returns the node and, on first start only, the new admin token.
    package static func open(
        _ configuration: NodeConfiguration, clock: any Clock = SystemClock(), logger: Logger
    ) async throws -> (node: Node, newAdminToken: String?) {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let database = try AppDatabase.open(path: configuration.databasePath, logger: logger)
        // Actor ids embed the public URL, so a data directory keeps the one it was created with.
        let stored = try await database.settingOrInsert("publicURL", configuration.effectivePublicURL)
        let uris = try URIBuilder(publicURL: stored)
        if configuration.publicURL != nil, try URIBuilder(publicURL: configuration.effectivePublicURL) != uris {
            throw ConfigurationError(
                "public_url: the data directory \(configuration.dataDirectory) belongs to \(stored); actor ids cannot move to \(configuration.effectivePublicURL)")
        }
        let limits = AbuseLimits(
            inboxPerClient: configuration.inboxRateLimit, inboxPerHost: configuration.inboxHostRateLimit,
            apiPerClient: configuration.apiRateLimit, inboxInFlight: configuration.inboxMaxInFlight,
            apiAuthFailuresPerClient: configuration.apiAuthFailureLimit, replayMemory: configuration.replayMemory)
        let node = Node(
            database: database, uris: uris, clock: clock,
            policy: AddressPolicy(allowed: configuration.allowedPrivateAddresses), limits: limits, logger: logger)
        do {
            try await ActorUseCase(node: node).ensureInstanceActor()
            try await BlockUseCase(node: node).load()
            let token = try await AdminTokenUseCase(node: node).issueFirstToken()
            return (node, token)
        } catch {
            try await node.shutdown()
            throw error
        }
    }
}

/// Builds the HTTP application with its workers (inbox, delivery and queue retention) as services.
package func buildApplication(
    node: Node, configuration: NodeConfiguration, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let bodyTimeout: Duration? = configuration.requestBodyTimeout > 0 ? .seconds(configuration.requestBodyTimeout) : nil
    let router = buildRouter(node: node, trustedProxies: configuration.trustedProxies, bodyTimeout: bodyTimeout)
    let connections = configuration.maxConnectionsPerAddress > 0
        ? ConnectionCounter(limit: configuration.maxConnectionsPerAddress, exempt: configuration.trustedProxies) : nil
    var services: [any Service] = [node.makeInboxWorker(), node.deliveries]
    if configuration.queueRetentionDays > 0 { services.append(QueueRetention(node: node, days: configuration.queueRetentionDays)) }
    let inbox = InboxFastPath.Settings(
        node: node, trustedProxies: configuration.trustedProxies, bodyTimeout: bodyTimeout, serverName: NodeInfo.software)
    return Application(
        router: router,
        // A connection that sends nothing for 30 s (a slow-body attack, a stalled client) is closed.
        server: HTTPServerBuilder { responder in
            CivicHTTPChannel(responder: responder, idleTimeout: .seconds(30), connections: connections, inbox: inbox)
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: NodeInfo.software),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: node.logger)
}

/// All routes: well-known, ActivityPub, API, and the HTML home page. Request bodies must arrive
/// within `bodyTimeout` (none when nil).
package func buildRouter(node: Node, trustedProxies: [CIDR] = [], bodyTimeout: Duration? = nil) -> Router<CivicRequestContext> {
    // Every GET route answers HEAD too, with GET's headers and no body (RFC 9110 §9.3.2).
    let router = Router(context: CivicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: AbuseLimitMiddleware(limits: node.limits, trustedProxies: trustedProxies, clock: node.clock))
    if let bodyTimeout {
        router.add(middleware: BodyDeadlineMiddleware(timeout: bodyTimeout, maxBytes: InboxEndpoint.maxBytes))
    }
    router.get("/") { _, _ in
        Response.html(WebPages.home(node: node, organizations: try await ActorUseCase(node: node).organizations()))
    }
    WellKnownController(node: node).addRoutes(to: router)
    ActivityPubController(node: node).addRoutes(to: router)
    APIController(node: node).addRoutes(to: router)
    return router
}
