import Foundation

/// A strict parser for the RFC 8941 structured fields that RFC 9421 and RFC 9530 use:
/// dictionaries whose members are items or inner lists, with parameters.
///
/// Every loop consumes at least one byte or throws, and sizes are capped (64 members, 32
/// parameters, 8 KiB strings), so hostile input fails fast instead of looping or crashing.
enum StructuredField {
    enum BareItem: Equatable {
        case integer(Int64)
        case decimal(Double)
        case string(String)
        case token(String)
        case bytes(Data)
        case boolean(Bool)
    }

    struct Item: Equatable {
        var value: BareItem
        var parameters: [(String, BareItem)]

        static func == (lhs: Item, rhs: Item) -> Bool {
            lhs.value == rhs.value && lhs.parameters.map(\.0) == rhs.parameters.map(\.0)
                && lhs.parameters.map(\.1) == rhs.parameters.map(\.1)
        }
    }

    /// A dictionary member: an item, or an inner list with the exact text it was parsed from
    /// (RFC 9421 signs `@signature-params` as received).
    enum Member {
        case item(Item)
        case innerList([Item], parameters: [(String, BareItem)], text: String)
    }

    struct Failure: Error {}

    static func parseDictionary(_ text: String) throws -> [(String, Item)] {
        try parseDictionaryMembers(text).map { key, member in
            guard case .item(let item) = member else { throw Failure() }
            return (key, item)
        }
    }

    static func parseDictionaryMembers(_ text: String) throws -> [(String, Member)] {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.dictionary()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func dictionary() throws -> [(String, Member)] {
            var members: [(String, Member)] = []
            skipSpaces()
            guard index < bytes.count else { throw Failure() }
            while index < bytes.count {
                let key = try self.key()
                let member: Member
                if current == UInt8(ascii: "=") {
                    index += 1
                    member = try self.member()
                } else {
                    member = .item(Item(value: .boolean(true), parameters: try parameters()))
                }
                // A repeated key overwrites the value in place (RFC 8941 §4.2.2).
                if let existing = members.firstIndex(where: { $0.0 == key }) {
                    members[existing].1 = member
                } else {
                    members.append((key, member))
                }
                guard members.count <= 64 else { throw Failure() }
                skipSpaces()
                if index >= bytes.count { break }
                guard current == UInt8(ascii: ",") else { throw Failure() }
                index += 1
                skipSpaces()
                guard index < bytes.count else { throw Failure() }
            }
            return members
        }

        mutating func member() throws -> Member {
            if current == UInt8(ascii: "(") {
                let start = index
                index += 1
                var items: [Item] = []
                while true {
                    while current == 0x20 { index += 1 }
                    guard let byte = current else { throw Failure() }
                    if byte == UInt8(ascii: ")") {
                        index += 1
                        break
                    }
                    items.append(Item(value: try bareItem(), parameters: try parameters()))
                    guard items.count <= 64 else { throw Failure() }
                    guard current == 0x20 || current == UInt8(ascii: ")") else { throw Failure() }
                }
                let parameters = try self.parameters()
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                return .innerList(items, parameters: parameters, text: text)
            }
            return .item(Item(value: try bareItem(), parameters: try parameters()))
        }

        mutating func parameters() throws -> [(String, BareItem)] {
            var parameters: [(String, BareItem)] = []
            while current == UInt8(ascii: ";") {
                index += 1
                while current == 0x20 { index += 1 }
                let key = try self.key()
                var value = BareItem.boolean(true)
                if current == UInt8(ascii: "=") {
                    index += 1
                    value = try bareItem()
                }
                if let existing = parameters.firstIndex(where: { $0.0 == key }) {
                    parameters[existing].1 = value
                } else {
                    parameters.append((key, value))
                }
                guard parameters.count <= 32 else { throw Failure() }
            }
            return parameters
        }

        mutating func key() throws -> String {
            guard let first = current, (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")) || first == UInt8(ascii: "*") else {
                throw Failure()
            }
            let start = index
            while let byte = current,
                  (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || "_-.*".utf8.contains(byte)
            {
                index += 1
            }
            guard index - start <= 64 else { throw Failure() }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func bareItem() throws -> BareItem {
            guard let byte = current else { throw Failure() }
            switch byte {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: ":"): return .bytes(try byteSequence())
            case UInt8(ascii: "?"):
                index += 1
                guard let flag = current, flag == UInt8(ascii: "0") || flag == UInt8(ascii: "1") else { throw Failure() }
                index += 1
                return .boolean(flag == UInt8(ascii: "1"))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "*"):
                let start = index
                while let next = current, Self.isTokenCharacter(next) { index += 1 }
                return .token(String(decoding: bytes[start..<index], as: UTF8.self))
            default: throw Failure()
            }
        }

        static func isTokenCharacter(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "!#$%&'*+-.^_`|~:/".utf8.contains(byte)
        }

        mutating func string() throws -> String {
            index += 1
            var output: [UInt8] = []
            while let byte = current {
                index += 1
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = current, escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") else { throw Failure() }
                    output.append(escaped)
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    return String(decoding: output, as: UTF8.self)
                } else if byte < 0x20 || byte > 0x7E {
                    throw Failure()
                } else {
                    output.append(byte)
                }
                guard output.count <= 8192 else { throw Failure() }
            }
            throw Failure()
        }

        mutating func byteSequence() throws -> Data {
            index += 1
            let start = index
            while let byte = current, byte != UInt8(ascii: ":") { index += 1 }
            guard current == UInt8(ascii: ":"), index - start <= 16384 else { throw Failure() }
            let encoded = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            guard let data = Data(base64Encoded: encoded) else { throw Failure() }
            return data
        }

        /// RFC 8941 §4.2.4: at most 15 integer digits; decimals at most 12 digits, a dot, 1 to 3 digits.
        mutating func number() throws -> BareItem {
            var sign: Int64 = 1
            if current == UInt8(ascii: "-") {
                sign = -1
                index += 1
            }
            var integerDigits = 0
            var fractionDigits = 0
            var sawDot = false
            var text = ""
            while let byte = current {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    if sawDot { fractionDigits += 1 } else { integerDigits += 1 }
                } else if byte == UInt8(ascii: "."), !sawDot {
                    guard integerDigits <= 12 else { throw Failure() }
                    sawDot = true
                } else {
                    break
                }
                text.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
                guard integerDigits <= 15, fractionDigits <= 3 else { throw Failure() }
            }
            guard integerDigits > 0 else { throw Failure() }
            if sawDot {
                guard fractionDigits > 0, let value = Double(text) else { throw Failure() }
                return .decimal(Double(sign) * value)
            }
            guard let value = Int64(text) else { throw Failure() }
            return .integer(sign * value)
        }
    }
}
