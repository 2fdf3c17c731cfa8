import CivicVocabulary
import Synchronization

/// The domains and actors this node does not federate with, in memory: the inbox checks it for
/// every request before fetching any key, the fetcher before any request, the delivery worker
/// before every POST. `BlockUseCase` keeps it in step with the `block` table.
package final class BlockList: Sendable {
    private struct Entries {
        var domains: Set<String> = []
        var actors: Set<String> = []
    }
    private let entries = Mutex(Entries())

    package init() {}

    /// Replaces the list.
    package func replace(domains: some Sequence<String>, actors: some Sequence<String>) {
        entries.withLock { $0 = Entries(domains: Set(domains), actors: Set(actors)) }
    }

    /// True when `iri` is a blocked actor, or lies on a blocked domain: `host` blocks that host on
    /// any port and its subdomains; `host:port` blocks that authority only.
    package func blocks(_ iri: String) -> Bool {
        let entries = entries.withLock { $0 }
        if entries.actors.isEmpty && entries.domains.isEmpty { return false }
        if entries.actors.contains(iri) || entries.actors.contains(IRI.withoutFragment(iri)) { return true }
        guard let authority = try? IRI.authority(of: iri).lowercased() else { return false }
        if entries.domains.contains(authority) { return true }
        var host = Substring(authority)
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = host[..<colon] }
        while true {
            if entries.domains.contains(String(host)) { return true }
            guard let dot = host.firstIndex(of: ".") else { return false }
            host = host[host.index(after: dot)...]
        }
    }

    /// A domain as blocks store it: `host` or `host:port`, lower-cased, without a trailing dot;
    /// nil when `text` is not one.
    package static func domain(_ text: String) -> String? {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !lowered.isEmpty, let authority = try? IRI.authority(of: "https://\(lowered)/"), authority == lowered else { return nil }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        }
        return authority
    }
}
