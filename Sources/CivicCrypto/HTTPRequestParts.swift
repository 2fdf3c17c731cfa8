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
    package func header(_ name: String) -> String? {
        var values: [String] = []
        for header in headers where header.name.caseInsensitiveCompare(name) == .orderedSame {
            values.append(header.value.trimmingCharacters(in: .whitespaces))
        }
        if values.isEmpty { return name.lowercased() == "host" ? authority : nil }
        return values.joined(separator: ", ")
    }
}
