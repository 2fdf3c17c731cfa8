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

    package init(domains: some Sequence<String> = [String](), actors: some Sequence<String> = [String]()) {
        replace(domains: domains, actors: actors)
    }

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

    /// A domain as blocks store it: `host` or `host:port`, lower-cased, without a trailing dot,
    /// an IPv6 address in brackets spelled as ids' origins spell it (`[2001:db8::1]`); nil when
    /// `text` is not one.
    package static func domain(_ text: String) -> String? {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !lowered.isEmpty, let authority = try? IRI.authority(of: "https://\(lowered)/") else { return nil }
        // An IPv6 address may be given in any of its spellings; it is stored in the one origins use.
        var spelled = lowered
        if lowered.hasPrefix("["), let close = lowered.firstIndex(of: "]"),
           let address = IRI.canonicalIPv6(lowered[lowered.index(after: lowered.startIndex)..<close])
        {
            spelled = "[\(address)]" + lowered[lowered.index(after: close)...]
        }
        guard authority == spelled else { return nil }
        var host = Substring(authority)
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else { return nil }
            host = authority[..<colon]
        }
        return host.hasPrefix("[") || isHostName(host) ? authority : nil
    }

    /// A DNS name (labels of 1–63 letters, digits and inner hyphens) or a dotted-quad IPv4 address;
    /// not `*`, `_`, empty labels or a name whose last label is a number (`1.2.3.4.5`).
    private static func isHostName(_ host: Substring) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let isNumber = { (label: Substring) in label.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        guard labels.allSatisfy({ label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
        }) else { return false }
        guard let last = labels.last, isNumber(last) else { return true }
        return labels.count == 4 && labels.allSatisfy { isNumber($0) && $0.utf8.count <= 3 && Int($0)! <= 255 }
    }
}
