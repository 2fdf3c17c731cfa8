/// An allow-list HTML sanitiser for content from other servers.
///
/// Keeps a small set of formatting elements (what Mastodon renders), keeps `href` on links only
/// when it is http(s), drops every other attribute, drops `script`, `style` and similar elements
/// with their content, drops comments and unknown tags (keeping their text), and re-escapes all
/// text. The output is always well-formed: unclosed elements are closed at the end.
public enum HTMLSanitizer {
    static let allowed: Set<String> = [
        "p", "br", "a", "span", "strong", "b", "em", "i", "u", "s", "del", "ul", "ol", "li", "blockquote", "code", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6",
    ]
    static let void: Set<String> = ["br"]
    /// Elements whose content is dropped with them.
    static let dropped: Set<String> = [
        "script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math", "textarea", "select", "title", "head",
    ]
    /// Longest input accepted; longer content is refused by the caller's field limits first.
    public static let maxInputBytes = 1 << 20

    /// The sanitised HTML.
    public static func sanitize(_ html: String) -> String {
        var output = ""
        var open: [String] = []
        var scanner = Scanner(Array(html.utf8.prefix(maxInputBytes)))
        while let token = scanner.next() {
            switch token {
            case .text(let text):
                output += PlainText.escape(decodeEntities(text))
            case .start(let name, let attributes, let selfClosing):
                if dropped.contains(name) {
                    if !selfClosing { scanner.skipUntilEndTag(name) }
                    continue
                }
                // A link inside a link is not kept (browsers would close the first): its text stays.
                guard allowed.contains(name), !(name == "a" && open.contains("a")) else { continue }
                output += "<\(name)"
                if name == "a" {
                    if let href = attributes.first(where: { $0.0 == "href" })?.1, let safe = safeLink(href) {
                        output += " href=\"\(PlainText.escape(safe))\""
                    }
                    output += " rel=\"nofollow noopener noreferrer\""
                }
                output += ">"
                // `<span/>` opens a span, as in HTML: only void elements have no end.
                if !void.contains(name) { open.append(name) }
            case .end(let name):
                guard allowed.contains(name), !void.contains(name), let index = open.lastIndex(of: name) else { continue }
                for element in open[index...].reversed() { output += "</\(element)>" }
                open.removeSubrange(index...)
            }
        }
        for element in open.reversed() { output += "</\(element)>" }
        return output
    }

    /// The text of sanitised HTML, for search and summaries.
    public static func text(_ html: String) -> String {
        var output = ""
        var scanner = Scanner(Array(html.utf8.prefix(maxInputBytes)))
        while let token = scanner.next() {
            switch token {
            case .text(let text): output += decodeEntities(text)
            case .start(let name, _, let selfClosing):
                if dropped.contains(name), !selfClosing { scanner.skipUntilEndTag(name) }
                if name == "br" || name == "p" { output += "\n" }
            case .end: break
            }
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// http(s) URLs only, after entity decoding and with control characters and white space
    /// removed (browsers ignore them, so `java\tscript:` is `javascript:`).
    static func safeLink(_ raw: String) -> String? {
        let decoded = decodeEntities(raw)
        let cleaned = String(decoded.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })
        let lower = cleaned.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), cleaned.utf8.count <= 2048 else { return nil }
        return cleaned
    }

    static let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}"]

    /// Decodes the named entities above and numeric ones; anything else stays as written (and is escaped on output).
    static func decodeEntities(_ text: String) -> String {
        // Unicode scalars, not Characters: a combining mark after `;` must not hide the entity's end.
        guard text.unicodeScalars.contains("&") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&", let semicolon = scalars[index..<min(index + 12, scalars.count)].firstIndex(of: ";") else {
                result.append(scalars[index])
                index += 1
                continue
            }
            let entity = String(String.UnicodeScalarView(scalars[(index + 1)..<semicolon]))
            var decoded: String?
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                decoded = UInt32(entity.dropFirst(2), radix: 16).flatMap(scalarText)
            } else if entity.hasPrefix("#") {
                decoded = UInt32(entity.dropFirst()).flatMap(scalarText)
            } else {
                decoded = named[entity]
            }
            if let decoded {
                result.append(contentsOf: decoded.unicodeScalars)
                index = semicolon + 1
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    private static func scalarText(_ value: UInt32) -> String? {
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return String(Character(scalar))
    }

    enum Token {
        case text(String)
        case start(String, [(String, String)], selfClosing: Bool)
        case end(String)
    }

    /// A forgiving HTML tokenizer: whatever it cannot read as a tag is text.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func next() -> Token? {
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "<") {
                if let token = tag() { return token }
                index += 1
                return .text("<")
            }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
            return .text(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        /// Skips to just after `</name…>` (or the end), for elements dropped with their content.
        mutating func skipUntilEndTag(_ name: String) {
            let needle = Array("</\(name)".utf8)
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "<"), index + needle.count <= bytes.count,
                   zip(bytes[index..<index + needle.count], needle).allSatisfy({ lowercase($0) == $1 })
                {
                    while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                    index += 1
                    return
                }
                index += 1
            }
        }

        func lowercase(_ byte: UInt8) -> UInt8 {
            byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
        }

        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
        }

        mutating func tag() -> Token? {
            let start = index
            var cursor = index + 1
            guard cursor < bytes.count else { return nil }
            // Comments, doctypes and processing instructions are dropped.
            if bytes[cursor] == UInt8(ascii: "!") || bytes[cursor] == UInt8(ascii: "?") {
                let isComment = cursor + 2 < bytes.count && bytes[cursor + 1] == UInt8(ascii: "-") && bytes[cursor + 2] == UInt8(ascii: "-")
                if isComment {
                    cursor += 3
                    while cursor + 2 < bytes.count,
                          !(bytes[cursor] == UInt8(ascii: "-") && bytes[cursor + 1] == UInt8(ascii: "-") && bytes[cursor + 2] == UInt8(ascii: ">"))
                    {
                        cursor += 1
                    }
                    index = min(bytes.count, cursor + 3)
                } else {
                    while cursor < bytes.count, bytes[cursor] != UInt8(ascii: ">") { cursor += 1 }
                    index = min(bytes.count, cursor + 1)
                }
                return .text("")
            }
            let closing = bytes[cursor] == UInt8(ascii: "/")
            if closing { cursor += 1 }
            let nameStart = cursor
            while cursor < bytes.count, isNameByte(bytes[cursor]) { cursor += 1 }
            guard cursor > nameStart, nameStart < bytes.count,
                  (bytes[nameStart] >= UInt8(ascii: "a") && bytes[nameStart] <= UInt8(ascii: "z"))
                    || (bytes[nameStart] >= UInt8(ascii: "A") && bytes[nameStart] <= UInt8(ascii: "Z"))
            else { return nil }
            let name = String(decoding: bytes[nameStart..<cursor].map(lowercase), as: UTF8.self)
            var attributes: [(String, String)] = []
            var selfClosing = false
            while cursor < bytes.count {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: ">") {
                    index = cursor + 1
                    return closing ? .end(name) : .start(name, attributes, selfClosing: selfClosing)
                }
                if byte == UInt8(ascii: "/") {
                    selfClosing = true
                    cursor += 1
                    continue
                }
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                    cursor += 1
                    continue
                }
                selfClosing = false
                let attributeStart = cursor
                while cursor < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, 0x0C, UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "/")].contains(bytes[cursor]) {
                    cursor += 1
                }
                let attributeName = String(decoding: bytes[attributeStart..<cursor].map(lowercase), as: UTF8.self)
                var value = ""
                while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(bytes[cursor]) { cursor += 1 }
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") {
                    cursor += 1
                    while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(bytes[cursor]) { cursor += 1 }
                    if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") {
                        let quote = bytes[cursor]
                        cursor += 1
                        let valueStart = cursor
                        while cursor < bytes.count, bytes[cursor] != quote { cursor += 1 }
                        guard cursor < bytes.count else { break }
                        value = String(decoding: bytes[valueStart..<cursor], as: UTF8.self)
                        cursor += 1
                    } else {
                        let valueStart = cursor
                        while cursor < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, 0x0C, UInt8(ascii: ">")].contains(bytes[cursor]) { cursor += 1 }
                        value = String(decoding: bytes[valueStart..<cursor], as: UTF8.self)
                    }
                }
                if !attributeName.isEmpty, attributes.count < 32 { attributes.append((attributeName, value)) }
            }
            // An unterminated tag is not a tag: the rest is text.
            index = start
            return nil
        }
    }
}
