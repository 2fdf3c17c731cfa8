import Foundation

/// Checks and compares the IRIs outside documents use as identifiers.
public enum IRI {
    /// The origin (`scheme://host[:port]`, lowercased, default port dropped) of an http(s) IRI.
    ///
    /// Refuses what attackers use to make two origins look alike or to smuggle requests:
    /// userinfo, CR/LF and other control characters, non-http(s) schemes, empty hosts and a
    /// trailing dot on the host.
    public static func origin(of text: String) throws(VocabularyError) -> String {
        if let origin = plainOrigin(of: text) { return origin }
        return try parsedOrigin(of: text)
    }

    /// `origin(of:)` read with Foundation's `URLComponents`: for every IRI `plainOrigin` leaves.
    package static func parsedOrigin(of text: String) throws(VocabularyError) -> String {
        let url = try validated(text)
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
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
        return url
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
