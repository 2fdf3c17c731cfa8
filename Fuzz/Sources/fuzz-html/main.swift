// libFuzzer target: the allow-list HTML sanitiser. No tag in its output may be one it exists to
// remove, carry an event handler, or link to a script; sanitising twice must change nothing.
import CivicVocabulary
import Foundation

/// The tags of `html` (text between `<` and `>`), lower-cased, with quoted attribute values
/// replaced by `""` and returned separately.
func tags(_ html: String) -> [(tag: String, values: [String])] {
    var result: [(String, [String])] = []
    for piece in html.lowercased().split(separator: "<", omittingEmptySubsequences: true).dropFirst(html.hasPrefix("<") ? 0 : 1) {
        guard let end = piece.firstIndex(of: ">") else { continue }
        var tag = "", values: [String] = [], quote: Character?, value = ""
        for character in piece[..<end] {
            if let open = quote {
                if character == open { quote = nil; values.append(value); value = ""; tag += "\"\"" } else { value.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else {
                tag.append(character)
            }
        }
        result.append((tag, values))
    }
    return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let html = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let clean = HTMLSanitizer.sanitize(html)
    for (tag, values) in tags(clean) {
        let name = tag.split(whereSeparator: { $0 == " " || $0 == "/" }).first.map(String.init) ?? ""
        if ["script", "style", "iframe", "img", "svg", "object", "embed", "form", "math"].contains(name) {
            fatalError("sanitised output keeps <\(name)>: \(clean.prefix(300))")
        }
        if tag.split(separator: " ").dropFirst().contains(where: { $0.hasPrefix("on") }) {
            fatalError("sanitised output keeps an event handler: \(clean.prefix(300))")
        }
        for value in values {
            let compact = value.filter { !$0.isWhitespace }
            if ["javascript:", "vbscript:", "data:"].contains(where: compact.hasPrefix) {
                fatalError("sanitised output links to a script: \(clean.prefix(300))")
            }
        }
    }
    guard HTMLSanitizer.sanitize(clean) == clean else { fatalError("sanitising is not idempotent: \(clean.prefix(300))") }
    _ = HTMLSanitizer.text(html)
    return 0
}
