import CivicCrypto
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation
import Logging
import Synchronization

/// Finds remote actors and their keys (Fedify's "give me this actor or fail"): WebFinger, signed
/// fetches, and a cache in the `actor` table that is refreshed when stale or when a key fails.
package final class ActorResolver: Sendable {
    let http: SafeHTTPClient
    let database: AppDatabase
    let signers: SignerCache
    let uris: URIBuilder
    let clock: any Clock
    /// Cached remote actors older than this are fetched again.
    let staleAfter: TimeInterval = 24 * 3600

    static let acceptHeader = "\(AS.activityJSON), \(AS.ldJSON)"

    /// Verified keys by key id, so a busy inbox does not read the database for every request.
    private struct CachedKey {
        var actor: ActorProfile
        var key: PublicKeyMaterial
        var cachedAt: Date
    }
    private let keys = Mutex<[String: CachedKey]>([:])
    /// Actors that deleted themselves (bounded like the key cache).
    private let forgotten = Mutex<Set<String>>([])
    /// Entries kept before the cache starts afresh (a bound, not an LRU: refills are one read each).
    static let maxCachedKeys = 20_000
    /// Hosts whose key fetch failed transiently (unreachable, timeout, 5xx), with the time until
    /// which requests signed with their keys are refused at once: a key on a host that does not
    /// answer would otherwise hold an inbox place for the whole connect timeout, request after request.
    private let unreachableKeyHosts = Mutex<[String: Date]>([:])
    static let unreachableFor: TimeInterval = 30

    package init(http: SafeHTTPClient, database: AppDatabase, signers: SignerCache, uris: URIBuilder, clock: any Clock) {
        self.http = http
        self.database = database
        self.signers = signers
        self.uris = uris
        self.clock = clock
    }

    /// The actor with this id: local ones from the database, remote ones from the cache or fetched.
    package func actor(id: String, refresh: Bool = false) async throws -> ActorProfile {
        if let cached = try await database.actor(id: id), cached.isLocal || (!refresh && !isStale(cached)) {
            return cached.profile
        }
        guard !uris.isLocal(id) else {
            throw FederationError(.permanent, code: "actor.notFound", reason: "no local actor \(id)")
        }
        let (document, finalURL) = try await fetchDocument(id)
        let profile = try await save(actorDocument: document, fetchedFrom: finalURL)
        guard profile.id == id else {
            // An id that redirects or answers with another actor is not that actor.
            throw FederationError(.permanent, code: "actor.idMismatch", reason: "\(id) answered with actor \(profile.id)")
        }
        return profile
    }

    /// Reads and caches an actor document fetched from `finalURL`.
    private func save(actorDocument document: JSONValue, fetchedFrom finalURL: String) async throws -> ActorProfile {
        let profile = try ASMapper.actor(from: document, fetchedFrom: finalURL)
        try await database.saveRemoteActor(ActorRecord(profile: profile, document: CanonicalJSON.encode(document), fetchedAt: clock.now))
        return profile
    }

    /// The actor owning `keyID` and the key itself. Ownership is read from the actor's side: the
    /// actor document must list the key, whatever a standalone key document claims.
    package func key(id keyID: String, refresh: Bool = false) async throws -> (actor: ActorProfile, key: PublicKeyMaterial) {
        let now = clock.now
        if !refresh, let cached = keys.withLock({ $0[keyID] }), now.timeIntervalSince(cached.cachedAt) < staleAfter {
            return (cached.actor, cached.key)
        }
        let host = (try? IRI.authority(of: keyID)) ?? keyID
        if let until = unreachableKeyHosts.withLock({ $0[host] }), until > now {
            throw FederationError(
                .transient, code: "key.hostUnreachable",
                reason: "\(host) could not be reached for a key \(Int(Self.unreachableFor)) seconds ago or less; retry later")
        }
        let actor: ActorProfile, key: PublicKeyMaterial
        do {
            (actor, key) = try await lookUpKey(id: keyID, refresh: refresh)
        } catch let error as FederationError where error.kind == .transient {
            unreachableKeyHosts.withLock { hosts in
                if hosts.count >= Self.maxCachedKeys { hosts.removeAll(keepingCapacity: true) }
                hosts[host] = now.addingTimeInterval(Self.unreachableFor)
            }
            throw error
        }
        keys.withLock { cache in
            if cache.count >= Self.maxCachedKeys { cache.removeAll(keepingCapacity: true) }
            cache[keyID] = CachedKey(actor: actor, key: key, cachedAt: now)
        }
        return (actor, key)
    }

    /// The key `keyID` as this node last knew it, without fetching anything, and whether it is
    /// older than `staleAfter`: for an actor's `Delete` of itself, when its documents answer 410.
    /// Nil when the node never knew it.
    package func knownKey(id keyID: String) async throws -> (actor: ActorProfile, key: PublicKeyMaterial, isStale: Bool)? {
        if let cached = keys.withLock({ $0[keyID] }) {
            return (cached.actor, cached.key, clock.now.timeIntervalSince(cached.cachedAt) > staleAfter)
        }
        guard let record = try await database.actor(keyID: keyID), !record.isLocal else { return nil }
        return (record.profile, try Self.material(of: record.profile, keyID: keyID), isStale(record))
    }

    /// Drops the cached keys of an actor that deleted itself, and remembers it as deleted (see
    /// `isForgotten`).
    package func forget(actor actorID: String) {
        keys.withLock { cache in cache = cache.filter { $0.value.actor.id != actorID } }
        forgotten.withLock { forgotten in
            if forgotten.count >= Self.maxCachedKeys { forgotten.removeAll(keepingCapacity: true) }
            forgotten.insert(actorID)
        }
    }

    /// True for an actor that deleted itself while this process ran: activities it sent before
    /// the Delete was processed, still queued behind it, must not bring it or its content back.
    package func isForgotten(_ actorID: String) -> Bool {
        forgotten.withLock { $0.contains(actorID) }
    }

    private func lookUpKey(id keyID: String, refresh: Bool) async throws -> (actor: ActorProfile, key: PublicKeyMaterial) {
        if !refresh, let cached = try await database.actor(keyID: keyID), cached.isLocal || !isStale(cached) {
            return (cached.profile, try Self.material(of: cached.profile, keyID: keyID))
        }
        let documentURL = IRI.withoutFragment(keyID)
        let actorID: String
        if let known = try await database.actor(keyID: keyID) {
            actorID = known.id
        } else {
            let (document, finalURL) = try await fetchDocument(documentURL)
            if ActorProfile.Kind.allCases.contains(where: { document.hasType($0.rawValue) }) {
                // The key's document is the actor itself (`ACTOR#main-key`): no second fetch.
                let profile = try await save(actorDocument: document, fetchedFrom: finalURL)
                guard IRI.sameOrigin(profile.id, keyID) else {
                    throw FederationError(.unauthorized, code: "key.foreignOwner", reason: "key \(keyID) is served by an actor on another origin")
                }
                return (profile, try Self.material(of: profile, keyID: keyID))
            } else if let owner = document["owner"]?.iri ?? document["controller"]?.iri {
                actorID = owner
            } else {
                throw FederationError(.permanent, code: "key.invalid", reason: "\(keyID) names neither an actor nor an owner")
            }
        }
        guard IRI.sameOrigin(actorID, keyID) else {
            throw FederationError(.unauthorized, code: "key.foreignOwner", reason: "key \(keyID) claims an actor on another origin")
        }
        let profile = try await actor(id: actorID, refresh: true)
        return (profile, try Self.material(of: profile, keyID: keyID))
    }

    /// Fetches an object from its origin (signed GET); its `id` must be the IRI asked for.
    package func object(id: String) async throws -> JSONValue {
        let (document, _) = try await fetchDocument(id)
        guard document["id"]?.stringValue == id else {
            throw FederationError(.permanent, code: "object.idMismatch", reason: "\(id) answered with another object")
        }
        return document
    }

    /// Resolves `acct:user@host` (also `@user@host`, `user@host`) to an actor id by WebFinger.
    ///
    /// A host may name an actor on another host (an alias, as when a domain's handles live on a
    /// separate server), but only one that its own host confirms: the actor's host must answer
    /// WebFinger for the actor's `preferredUsername` with the same actor. Otherwise any server
    /// could hand out handles for other people's actors.
    package func webfinger(_ handle: String) async throws -> String {
        let (user, host) = try Self.parseHandle(handle)
        let href = try await selfLink(user: user, host: host)
        guard (try? IRI.authority(of: href).lowercased()) != host else { return href }
        let actor = try await actor(id: href)
        let confirmed = try? await selfLink(user: actor.preferredUsername, host: actor.host.lowercased())
        guard confirmed == href else {
            throw FederationError(
                .permanent, code: "webfinger.unconfirmedAlias",
                reason: "\(user)@\(host) names \(href), which \(actor.host) does not confirm as \(actor.preferredUsername)@\(actor.host)")
        }
        return href
    }

    /// The ActivityPub actor that `host` links for `acct:user@host`.
    private func selfLink(user: String, host: String) async throws -> String {
        let scheme = try await schemeFor(host: host)
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "resource", value: "acct:\(user)@\(host)")]
        let url = "\(scheme)://\(host)/.well-known/webfinger?\(components.percentEncodedQuery ?? "")"
        let response = try await http.get(url, accept: "application/jrd+json, application/json", signer: nil)
        try response.requireSuccess("WebFinger at \(host)")
        let document: JSONValue
        do { document = try JSONParser().parse(response.body) } catch let error as VocabularyError {
            throw FederationError(.permanent, code: "webfinger.invalid", reason: error.reason)
        }
        let links = document["links"]?.arrayValue ?? []
        guard let link = links.first(where: { link in
            link["rel"]?.stringValue == "self"
                && (link["type"]?.stringValue.map { $0.hasPrefix(AS.activityJSON) || $0.hasPrefix("application/ld+json") } ?? false)
        }), let href = link["href"]?.stringValue else {
            throw FederationError(.permanent, code: "webfinger.noActor", reason: "WebFinger for \(user)@\(host) links no ActivityPub actor")
        }
        return href
    }

    /// Splits a handle into user and host (`host[:port]`, lowercased).
    package static func parseHandle(_ handle: String) throws -> (user: String, host: String) {
        var text = handle.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("acct:") { text.removeFirst(5) }
        if text.hasPrefix("@") { text.removeFirst() }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.~".contains($0)) }),
              parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]".contains($0)) })
        else {
            throw FederationError(.badRequest, code: "handle.invalid", reason: "\"\(handle.prefix(100))\" is not a handle like name@host")
        }
        return (String(parts[0]), parts[1].lowercased())
    }

    /// https for the world; plain http only for hosts inside the operator's allowed private
    /// ranges (a loopback testbed has no TLS).
    func schemeFor(host: String) async throws -> String {
        let hostname = host.hasPrefix("[") ? String(host.prefix(while: { $0 != "]" }).dropFirst()) : String(host.split(separator: ":").first ?? "")
        let addresses = try await http.policy.resolve(host: hostname)
        let allowedPrivate = addresses.allSatisfy { address in http.policy.allowed.contains { $0.contains(address) } }
        return allowedPrivate ? "http" : "https"
    }

    /// Fetches an ActivityPub document with a signed GET and checks its type and origin.
    func fetchDocument(_ url: String) async throws -> (JSONValue, String) {
        let response = try await http.get(url, accept: Self.acceptHeader, signer: try await signers.instanceSigner())
        try response.requireSuccess(url)
        guard response.isActivityPubContentType else {
            throw FederationError(.permanent, code: "fetch.contentType", reason: "\(url) is not served as an ActivityPub document")
        }
        let document: JSONValue
        do { document = try JSONParser().parse(response.body) } catch let error as VocabularyError {
            throw FederationError(.permanent, code: "fetch.invalidJSON", reason: "\(url): \(error.reason)")
        }
        guard let id = document["id"]?.stringValue, IRI.sameOrigin(id, response.finalURL) else {
            throw FederationError(.permanent, code: "fetch.originMismatch", reason: "\(url) answered with a document from another origin")
        }
        return (document, response.finalURL)
    }

    func isStale(_ record: ActorRecord) -> Bool {
        clock.now.timeIntervalSince(record.fetchedAt) > staleAfter
    }

    static func material(of actor: ActorProfile, keyID: String) throws -> PublicKeyMaterial {
        if keyID == actor.publicKeyID, let pem = actor.publicKeyPEM { return .rsaPEM(pem) }
        if keyID == actor.ed25519KeyID, let multibase = actor.ed25519Multibase {
            do { return try PublicKeyMaterial.ed25519(multibase: multibase) } catch {
                throw FederationError(.unauthorized, code: "key.invalid", reason: "\(keyID) is not a valid Ed25519 key")
            }
        }
        throw FederationError(.unauthorized, code: "key.notListed", reason: "actor \(actor.id) does not list key \(keyID)")
    }
}
