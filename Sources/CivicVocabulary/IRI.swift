import Foundation

/// Checks and compares the IRIs outside documents use as identifiers.
public enum IRI {
    /// The origin (`scheme://host[:port]`, lowercased, default port dropped) of an http(s) IRI.
    ///
    /// Refuses what attackers use to make two origins look alike or to smuggle requests:
    /// userinfo, CR/LF and other control characters, non-http(s) schemes, empty hosts, a
    /// trailing dot on the host, and IPv6 hosts other than plain addresses (which are written
    /// in brackets and spelled one way).
    public static func origin(of text: String) throws(VocabularyError) -> String {
        if let origin = plainOrigin(of: text) { return origin }
        return try parsedOrigin(of: text)
    }

    /// `origin(of:)` read with Foundation's `URLComponents`: for every IRI `plainOrigin` leaves.
    package static func parsedOrigin(of text: String) throws(VocabularyError) -> String {
        let url = try validated(text)
        guard let scheme = url.scheme?.lowercased(), let host = url.host.map(originHost) else {
            throw invalid(text, "has no host")
        }
        let defaultPort = scheme == "https" ? 443 : 80
        if let port = url.port, port != defaultPort { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }

    /// The authority (`host[:port]`, lowercased, default port dropped): what the node calls a host.
    public static func authority(of text: String) throws(VocabularyError) -> String {
        let origin = try origin(of: text)
        return String(origin.dropFirst(origin.hasPrefix("https://") ? 8 : 7))
    }

    /// True when both IRIs are valid and share an origin.
    public static func sameOrigin(_ first: String, _ second: String) -> Bool {
        guard let lhs = try? origin(of: first), let rhs = try? origin(of: second) else { return false }
        return lhs == rhs
    }

    /// A parsed http(s) URL, refusing the shapes `origin(of:)` refuses.
    public static func validated(_ text: String) throws(VocabularyError) -> URL {
        guard text.utf8.count <= 2048 else { throw invalid(text, "is longer than 2048 bytes") }
        // C0 and C1 controls, DEL, white space: none is an IRI character (RFC 3987's ucschar starts at U+00A0).
        guard !text.unicodeScalars.contains(where: { $0.value < 0x21 || (0x7F...0x9F).contains($0.value) }) else {
            throw invalid(text, "contains white space or control characters")
        }
        guard let components = URLComponents(string: text), let url = components.url else {
            throw invalid(text, "is not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw invalid(text, "is not an http(s) URL")
        }
        guard components.user == nil, components.password == nil else { throw invalid(text, "carries userinfo") }
        guard let host = components.host, !host.isEmpty else { throw invalid(text, "has no host") }
        guard !host.hasSuffix(".") else { throw invalid(text, "has a host with a trailing dot") }
        if host.hasPrefix("[") {
            // Zone ids (`%eth0`) and IPvFuture (`[v1.x]`) name no server on the internet; an
            // IPv4-mapped, IPv4-compatible or NAT64 address is an IPv4 server under a second name,
            // which a block of the IPv4 address would not cover.
            guard let address = canonicalIPv6(host.dropFirst().dropLast()) else {
                throw invalid(text, "has an IPv6 host that is not a plain address")
            }
            // inet_ntop writes dotted quads only for IPv4-mapped and IPv4-compatible addresses;
            // 64:ff9b::/96 is NAT64's spelling of IPv4 addresses.
            guard !address.contains("."), !address.hasPrefix("64:ff9b::") else {
                throw invalid(text, "has an IPv6 host that spells an IPv4 address: use the IPv4 address")
            }
        }
        return url
    }

    /// A host as origins write it: lower-cased, and an IPv6 literal (which `URL.host` gives
    /// without its brackets) in brackets and in its one canonical spelling (RFC 5952). Without the
    /// brackets, `[2001:db8::1]:8443` and `[2001:db8::1:8443]`, two servers, had one origin.
    private static func originHost(_ host: String) -> String {
        guard host.contains(":") else { return host.lowercased() }
        return "[\(canonicalIPv6(host) ?? host.lowercased())]"
    }

    /// The RFC 5952 spelling of an IPv6 address (`2001:DB8:0:0::1` → `2001:db8::1`), or nil when
    /// `text` is not one (zone ids included).
    package static func canonicalIPv6(_ text: some StringProtocol) -> String? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, String(text), &address) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The IRI without its fragment (`…/actor#main-key` → `…/actor`).
    public static func withoutFragment(_ text: String) -> String {
        guard let hash = text.firstIndex(of: "#") else { return text }
        return String(text[..<hash])
    }

    private static func invalid(_ text: String, _ reason: String) -> VocabularyError {
        VocabularyError(code: "iri.invalid", reason: "\"\(text.prefix(200))\" \(reason)")
    }
}
