import CivicCrypto
import CivicModel
import CivicVocabulary
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Response helpers: every JSON body the server writes is canonical JSON.
enum CanonicalJSONBody {
    static func error(code: String, message: String) -> Data {
        CanonicalJSON.encode(["error": .string(code), "message": .string(message)])
    }
}

extension Response {
    /// A JSON response of stored or built bytes with the given media type.
    static func json(_ bytes: Data, contentType: String = "application/json; charset=utf-8", status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An ActivityStreams document.
    static func activityJSON(_ value: JSONValue) -> Response {
        .json(CanonicalJSON.encode(value), contentType: ActivityPubMediaType.response)
    }

    /// An ActivityStreams document already stored as canonical bytes.
    static func activityJSON(bytes: Data, status: HTTPResponse.Status = .ok) -> Response {
        .json(bytes, contentType: ActivityPubMediaType.response, status: status)
    }

    /// An HTML page.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Content negotiation between ActivityPub clients and browsers.
package enum ActivityPubMediaType {
    static let response = "application/activity+json; charset=utf-8"

    /// True when the Accept header asks for an ActivityStreams document rather than a page.
    static func isRequested(by request: Request) -> Bool {
        request.headers[.accept].map(prefersActivityStreams) ?? false
    }

    /// True when `accept` ranks an ActivityStreams type (or plain JSON) above HTML. Ties go to
    /// ActivityStreams types over HTML, and to HTML over plain JSON; wildcards rank nothing.
    /// Quality values are read only when the header has any (fetchers send none).
    package static func prefersActivityStreams(_ accept: String) -> Bool {
        // Bytes with ASCII letters folded (media types are ASCII): Foundation's `lowercased` and
        // `contains` (through CFString) were 3 % of the node's CPU serving documents to fetchers.
        let accept = accept.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
        func contains(_ needle: StaticString) -> Bool {
            needle.withUTF8Buffer { needle in
                accept.count >= needle.count
                    && (0...(accept.count - needle.count)).contains { accept[$0..<$0 + needle.count].elementsEqual(needle) }
            }
        }
        guard contains("q=") else {
            return contains("application/activity+json") || contains("application/ld+json")
                || (contains("application/json") && !contains("text/html"))
        }
        var activityStreams = 0.0, json = 0.0, html = 0.0
        for range in String(decoding: accept, as: UTF8.self).split(separator: ",") {
            let parameters = range.split(separator: ";").map { HTTPRequestParts.trimmed(String($0)) }
            guard let type = parameters.first else { continue }
            // An unreadable q counts as 0: the client did not say it wants this type.
            let quality = parameters.dropFirst().first { $0.hasPrefix("q=") }.map { Double($0.dropFirst(2)) ?? 0 } ?? 1
            switch type {
            case "application/activity+json", "application/ld+json": activityStreams = max(activityStreams, quality)
            case "application/json": json = max(json, quality)
            case "text/html", "application/xhtml+xml": html = max(html, quality)
            default: break
            }
        }
        return (activityStreams > 0 && activityStreams >= html) || json > html
    }

    /// True when an inbox POST's Content-Type is ActivityStreams (either registered name, any
    /// parameters) or plain JSON, which some servers send. A request without one is read as JSON.
    static func isInboxBody(_ contentType: String?) -> Bool {
        guard let contentType else { return true }
        // Byte by byte: Foundation's trimming and lowercasing here were 1.5 % of the node's CPU under ingest.
        let end = contentType.utf8.firstIndex(of: UInt8(ascii: ";")) ?? contentType.endIndex
        let mediaType = HTTPRequestParts.trimmed(String(contentType[..<end]))
        return inboxMediaTypes.contains { HTTPRequestParts.equalsIgnoringASCIICase($0, mediaType) }
    }

    private static let inboxMediaTypes = ["application/activity+json", "application/ld+json", "application/json"]
}

/// Escapes text for HTML element content and attribute values.
enum HTML {
    /// Drops control characters (C0 but tab and line ends, DEL, C1) and the noncharacters
    /// U+FFFE and U+FFFF, which HTML calls errors and XML 1.0 forbids or discourages; received
    /// text carries them as it likes. Escapes the rest.
    static func escape(_ text: String) -> String {
        var allowed = String.UnicodeScalarView()
        allowed.append(contentsOf: text.unicodeScalars.filter { !isControl($0) && $0.value != 0xFFFE && $0.value != 0xFFFF })
        return PlainText.escape(String(allowed))
    }

    /// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || (0x7F...0x9F).contains(scalar.value)
    }
}

/// Links taken from received documents, checked before they go into a page, feed or calendar.
enum WebLink {
    /// `text` when it is an http(s) URL with nothing that could break out of an attribute or a
    /// line (no spaces, control or non-ASCII characters); otherwise nil.
    static func http(_ text: String?) -> String? {
        guard let text, text.limitLength <= 2048, let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased()),
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0.isASCII })
        else { return nil }
        return text
    }

    /// The `webcal://` form of an http(s) URL, which calendar apps subscribe to.
    static func webcal(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        return "webcal" + url[schemeEnd.lowerBound...]
    }
}
