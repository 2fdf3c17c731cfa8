import Foundation

/// A strict JSON parser for outside input (RFC 8259) with limits on size, depth and array length.
///
/// Written by hand rather than using `JSONSerialization` so that every limit is enforced while
/// parsing, before any large structure is built, and so that errors say where the input broke.
public struct JSONParser: Sendable {
    /// Limits applied while parsing.
    public struct Limits: Sendable {
        public var maxBytes: Int
        public var maxDepth: Int
        public var maxArrayLength: Int
        public var maxStringBytes: Int

        public init(maxBytes: Int, maxDepth: Int, maxArrayLength: Int, maxStringBytes: Int) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxArrayLength = maxArrayLength
            self.maxStringBytes = maxStringBytes
        }

        /// What the inbox and fetched documents accept: 1 MiB, 32 levels, 10,000 array elements.
        public static let federation = Limits(
            maxBytes: 1 << 20, maxDepth: 32, maxArrayLength: 10_000, maxStringBytes: 1 << 20)
    }

    public var limits: Limits

    public init(limits: Limits = .federation) {
        self.limits = limits
    }

    /// Parses one JSON value that must span the whole input (surrounding white space allowed).
    public func parse(_ data: Data) throws -> JSONValue {
        guard data.count <= limits.maxBytes else {
            throw VocabularyError(code: "json.tooLarge", reason: "document is larger than \(limits.maxBytes) bytes")
        }
        return try data.withUnsafeBytes { raw in
            var cursor = Cursor(bytes: raw.bindMemory(to: UInt8.self), limits: limits)
            cursor.skipWhitespace()
            let value = try cursor.parseValue(depth: 1)
            cursor.skipWhitespace()
            guard cursor.atEnd else { throw cursor.error("unexpected data after the JSON value") }
            return value
        }
    }

    /// Parses a UTF-8 string.
    public func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONParser.Limits
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONParser.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    var atEnd: Bool { index >= bytes.count }

    func error(_ reason: String) -> VocabularyError {
        VocabularyError(code: "json.malformed", reason: "\(reason) at byte \(index)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// `depth` counts the objects and arrays around the value, the value itself included.
    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        let isContainer = bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[")
        guard !isContainer || depth <= limits.maxDepth else {
            throw VocabularyError(code: "json.tooDeep", reason: "JSON nests deeper than \(limits.maxDepth) levels")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: String) throws {
        let expected = Array(literal.utf8)
        guard index + expected.count <= bytes.count else { throw error("unexpected end of input") }
        guard (0..<expected.count).allSatisfy({ bytes[index + $0] == expected[$0] }) else {
            throw error("invalid literal")
        }
        index += expected.count
    }

    mutating func parseObject(depth: Int) throws -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            guard members[key] == nil else {
                throw VocabularyError(code: "json.duplicateKey", reason: "member \"\(key.prefix(64))\" appears twice")
            }
            members[key] = try parseValue(depth: depth + 1)
            guard members.count <= limits.maxArrayLength else { throw error("object has too many members") }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            guard elements.count <= limits.maxArrayLength else {
                throw VocabularyError(code: "json.tooLarge", reason: "array longer than \(limits.maxArrayLength) elements")
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("expected ',' or ']'")
        }
    }

    mutating func parseNumber() throws -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
            throw error("invalid number")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        guard index - start <= 64 else { throw error("number too long") }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("number out of range") }
        return value
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A string's text. At most `maxStringBytes` bytes may stand between the quotes, escapes
    /// counted as written.
    ///
    /// Without escapes, the common case, the bytes are validated and become the string in one
    /// step. With escapes, the text is decoded into a UTF-8 buffer that is validated once at the
    /// end: an escape adds whole scalars and a backslash cannot sit inside a multi-byte sequence,
    /// so the buffer is valid exactly when every run of raw bytes between escapes is.
    mutating func parseString() throws -> String {
        index += 1
        let start = index
        var decoded: [UInt8] = []
        var runStart = index
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            guard index - start <= limits.maxStringBytes else { throw error("string too long") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                if runStart != start { decoded.append(contentsOf: run) }
                guard let text = runStart == start ? String(validating: run, as: UTF8.self) : String(validating: decoded, as: UTF8.self)
                else { throw error("invalid UTF-8 in string") }
                index += 1
                return text
            }
            if byte < 0x20 { throw error("control character in string") }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            guard index < bytes.count else { throw error("unterminated escape") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"): UTF8.encode(try parseUnicodeEscape()) { decoded.append($0) }
            default: throw error("invalid escape")
            }
            runStart = index
        }
    }

    mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    mutating func parseUnicodeEscape() throws -> Unicode.Scalar {
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate")
            }
            index += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw error("unpaired surrogate") }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw error("invalid code point") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate") }
        return scalar
    }
}

extension JSONParser.Limits {
    /// For documents the node wrote itself: no nesting or size beyond what it could have written.
    public static let stored = JSONParser.Limits(maxBytes: 16 << 20, maxDepth: 64, maxArrayLength: 100_000, maxStringBytes: 16 << 20)
}
