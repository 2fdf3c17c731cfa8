import Foundation

/// The parts of an HTTP request that signatures cover.
///
/// Header names are compared case-insensitively; values are trimmed, and repeated headers are
/// joined with ", " (as both draft-cavage and RFC 9421 canonicalise them).
package struct HTTPRequestParts: Sendable {
    /// The method as received, e.g. `POST`.
    package var method: String
    /// Request target: path plus `?query` if any, e.g. `/inbox`.
    package var path: String
    /// The Host header value (`host[:port]`), e.g. `example.org` or `127.0.0.1:8080`.
    package var authority: String
    /// `https` or `http`, for `@target-uri` and `@scheme`.
    package var scheme: String
    /// Header fields in the order received; names in any case.
    package var headers: [(name: String, value: String)]
    /// The body bytes exactly as received (digests are computed over them).
    package var body: Data

    /// Collects the parts of one request.
    package init(method: String, path: String, authority: String, scheme: String, headers: [(name: String, value: String)], body: Data) {
        self.method = method
        self.path = path
        self.authority = authority
        self.scheme = scheme
        self.headers = headers
        self.body = body
    }

    /// A header's value, matched case-insensitively, trimmed; repeated headers joined with ", ".
    ///
    /// `host` falls back to `authority` when no Host header was listed (HTTP/2 carries it as `:authority`).
    /// Header names are ASCII tokens, so they are compared byte by byte (Foundation's
    /// `caseInsensitiveCompare` went through CFString and was 8 % of the node's CPU under ingest);
    /// values lose leading and trailing spaces and tabs (RFC 9110's optional white space).
    package func header(_ name: String) -> String? {
        var values: [String] = []
        for header in headers where Self.equalsIgnoringASCIICase(header.name, name) {
            values.append(Self.trimmed(header.value))
        }
        if values.isEmpty { return Self.equalsIgnoringASCIICase(name, "host") ? authority : nil }
        return values.count == 1 ? values[0] : values.joined(separator: ", ")
    }

    /// ASCII case-insensitive equality, for header names, media types and other ASCII tokens.
    package static func equalsIgnoringASCIICase(_ first: String, _ second: String) -> Bool {
        guard first.utf8.count == second.utf8.count else { return false }
        return zip(first.utf8, second.utf8).allSatisfy { one, other in
            one == other || (one | 0x20 == other | 0x20 && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(one | 0x20))
        }
    }

    /// `value` without leading and trailing spaces and tabs.
    package static func trimmed(_ value: String) -> String {
        let utf8 = value.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex, last == utf8.index(before: utf8.endIndex) { return value }
        return String(value[first...last])
    }
}
