import CivicVocabulary
import Foundation

/// Builds every URI the node mints; nothing else concatenates paths onto the base URL.
public struct URIBuilder: Sendable, Equatable {
    /// The public base URL without a trailing slash, e.g. `https://hub.example.org`.
    public let base: String
    /// The public authority (`host[:port]`), which names the instance in WebFinger and NodeInfo.
    public let authority: String

    /// - Parameter publicURL: scheme, host and optional port; a trailing slash is dropped.
    public init(publicURL: String) throws(DomainError) {
        var trimmed = publicURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        // Read like every IRI the node receives (`IRI.origin`: no Foundation URL parsing, so no ICU
        // tables loaded at start for an ASCII host), then nothing may follow the authority.
        let invalid = DomainError.invalid(field: "public_url", reason: "must be http(s)://host[:port] without a path, got \"\(publicURL)\"")
        do {
            base = try IRI.origin(of: trimmed)
            authority = try IRI.authority(of: trimmed)
        } catch {
            throw invalid
        }
        // The only slashes are those of "://" (an http(s) IRI was read), and there is no query or fragment.
        guard trimmed.count(where: { $0 == "/" }) == 2, !trimmed.contains(where: { $0 == "?" || $0 == "#" }) else { throw invalid }
    }

    public var instanceActor: String { "\(base)/actor" }
    public var instanceKey: String { "\(instanceActor)#main-key" }
    public var sharedInbox: String { "\(base)/inbox" }
    public var instanceHandle: String { "acct:\(authority)@\(authority)" }

    public func actor(_ name: String) -> String { "\(base)/actors/\(name)" }
    public func inbox(_ actorID: String) -> String { "\(actorID)/inbox" }
    public func outbox(_ actorID: String) -> String { "\(actorID)/outbox" }
    public func followers(_ actorID: String) -> String { "\(actorID)/followers" }
    public func following(_ actorID: String) -> String { "\(actorID)/following" }
    public func mainKey(_ actorID: String) -> String { "\(actorID)#main-key" }
    public func ed25519Key(_ actorID: String) -> String { "\(actorID)#ed25519-key" }
    public func activity(_ id: String) -> String { "\(base)/activities/\(id)" }
    public func object(_ id: String) -> String { "\(base)/objects/\(id)" }
    public func page(_ collection: String, _ number: Int) -> String { "\(collection)?page=\(number)" }

    /// The local actor name of an actor IRI minted here, or nil when the IRI is not one of ours.
    public func localActorName(_ actorID: String) -> String? {
        let prefix = "\(base)/actors/"
        guard actorID.hasPrefix(prefix) else { return nil }
        let name = String(actorID.dropFirst(prefix.count))
        return name.isEmpty || name.contains("/") ? nil : name
    }

    /// True when the IRI was minted by this node.
    public func isLocal(_ iri: String) -> Bool { iri == base || iri.hasPrefix(base + "/") }
}

/// What a WebFinger `resource` names on this node.
public enum WebFingerTarget: Sendable, Equatable {
    /// The instance actor (`acct:HOST@HOST`, its IRI, or the base URL, FEP-d556).
    case instance
    /// A local actor by name (not checked to exist).
    case actor(String)
}

extension URIBuilder {
    /// Reads a WebFinger `resource`: `acct:name@host` (also without `acct:` or with a leading
    /// `@`), an actor IRI, or the base URL. Nil for anything else, including other hosts.
    public func webFingerTarget(_ resource: String) -> WebFingerTarget? {
        if resource == base || resource == base + "/" || resource == instanceHandle || resource == instanceActor {
            return .instance
        }
        if resource.hasPrefix("acct:") || resource.contains("@") && !resource.contains("/") {
            var text = resource.hasPrefix("acct:") ? String(resource.dropFirst(5)) : resource
            if text.hasPrefix("@") { text.removeFirst() }
            guard let at = text.lastIndex(of: "@") else { return nil }
            let user = String(text[..<at])
            let host = text[text.index(after: at)...].lowercased()
            // Actor names are a–z, 0–9, '_', '-' and '.' (any case here: acct: names are case-insensitive).
            guard host == authority, !user.isEmpty,
                  user.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) })
            else { return nil }
            return user == authority ? .instance : .actor(user.lowercased())
        }
        return localActorName(resource).map(WebFingerTarget.actor)
    }
}
