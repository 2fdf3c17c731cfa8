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

    /// Escapes the five HTML-significant characters. Works on Unicode scalars, as browsers read
    /// HTML: a combining mark after `"` or `<` makes one Swift Character of the two, which must
    /// not hide the quote or bracket (it would end an attribute value or start a tag).
    public static func escape(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "'": result.append(contentsOf: "&#39;".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
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
