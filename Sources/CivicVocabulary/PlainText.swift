import Foundation

/// Turns text typed by a local author into the HTML that ActivityStreams `content` carries.
public enum PlainText {
    /// Escapes `text` and wraps each blank-line-separated paragraph in `<p>`, line breaks as
    /// `<br>`; white space around the whole text is dropped.
    public static func html(_ text: String) -> String {
        let paragraphs = text.replacingLineEndings().trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n\n", omittingEmptySubsequences: true)
        return paragraphs.map { paragraph in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
            return "<p>\(lines.joined(separator: "<br>"))</p>"
        }.joined()
    }

    /// Escapes the five HTML-significant characters. Works below Swift's Characters, as browsers
    /// read HTML: a combining mark after `"` or `<` makes one Swift Character of the two, which
    /// must not hide the quote or bracket (it would end an attribute value or start a tag). The
    /// five are ASCII, so each is one UTF-8 byte that no other scalar's encoding contains.
    public static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let first = bytes.firstIndex(where: { escaped($0) != nil }) else { return nil }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + 32)
            result.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                if let replacement = escaped(byte) { replacement.withUTF8Buffer { result.append(contentsOf: $0) } } else { result.append(byte) }
            }
            return String(decoding: result, as: UTF8.self)
        } ?? text
    }

    private static func escaped(_ byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}

extension String {
    fileprivate func replacingLineEndings() -> String {
        var result = ""
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                result.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
