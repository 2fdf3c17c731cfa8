import Foundation

/// RFC 8785 (JCS) canonical JSON: sorted keys (by UTF-16 code units), no insignificant white space,
/// ECMAScript number formatting and minimal string escaping.
///
/// Every document the node serves is stored in this form, so a GET returns stored bytes and a
/// Data Integrity proof over the same value is reproducible on any node.
public enum CanonicalJSON {
    /// The canonical bytes of `value`.
    public static func encode(_ value: JSONValue) -> Data {
        var output = [UInt8]()
        output.reserveCapacity(1024)
        write(value, into: &output)
        return Data(output)
    }

    /// The canonical text of `value`.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: format(number).utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (offset, key) in keys.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                if let member = members[key] { write(member, into: &output) }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The runs between characters that need escaping are copied whole.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var run = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                run = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
                case 0x08: output.append(contentsOf: "\\b".utf8)
                case 0x09: output.append(contentsOf: "\\t".utf8)
                case 0x0A: output.append(contentsOf: "\\n".utf8)
                case 0x0C: output.append(contentsOf: "\\f".utf8)
                case 0x0D: output.append(contentsOf: "\\r".utf8)
                default:
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// ECMAScript `Number.prototype.toString` for finite doubles, as RFC 8785 §3.2.2.3 requires:
    /// the shortest digits that round-trip (Swift finds the same ones), placed by ECMAScript's
    /// rules — plain up to 21 integer digits, `0.000001` down to 1e-6, exponent form beyond.
    static func format(_ number: Double) -> String {
        if number == 0 { return "0" }
        if number.rounded() == number, abs(number) < 9.0e15 {
            return String(Int64(number))
        }
        // Digits and decimal exponent from Swift's shortest representation ("6.666666666666667e+20").
        let text = "\(abs(number))"
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(mantissa[0]), fraction = mantissa.count == 2 ? String(mantissa[1]) : ""
        var digits = Array(whole + fraction)
        // n: where the decimal point falls, counted from the first digit (ECMAScript's n).
        var n = whole.count + exponent
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }
        let k = digits.count
        let sign = number < 0 ? "-" : ""
        let all = String(digits)
        if k <= n, n <= 21 {
            return sign + all + String(repeating: "0", count: n - k)
        }
        if 0 < n, n <= 21 {
            return sign + String(digits[..<n]) + "." + String(digits[n...])
        }
        if -6 < n, n <= 0 {
            return sign + "0." + String(repeating: "0", count: -n) + all
        }
        let power = n - 1
        let head = k == 1 ? all : String(digits[0]) + "." + String(digits[1...])
        return sign + head + "e" + (power < 0 ? "-" : "+") + String(abs(power))
    }
}
