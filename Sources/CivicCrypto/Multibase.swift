import Foundation

/// base58btc (Bitcoin alphabet) multibase, for Ed25519 Multikeys and Data Integrity proof values.
enum Multibase {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let ed25519Prefix: [UInt8] = [0xED, 0x01]

    /// Longest base58 text decoded: bounds the quadratic decoder against hostile input.
    static let maxEncodedLength = 256

    static func encodeEd25519(_ raw: Data) -> String {
        "z" + base58Encode(ed25519Prefix + Array(raw))
    }

    static func decodeEd25519(_ text: String) throws -> Data {
        guard text.first == "z", text.utf8.count <= 100 else {
            throw CryptoError("key.invalid", "publicKeyMultibase must be base58btc ('z…')")
        }
        let bytes = try base58Decode(String(text.dropFirst()))
        guard bytes.count == 34, Array(bytes.prefix(2)) == ed25519Prefix else {
            throw CryptoError("key.invalid", "publicKeyMultibase is not an Ed25519 Multikey")
        }
        return Data(bytes.dropFirst(2))
    }

    static func base58Encode(_ bytes: [UInt8]) -> String {
        var digits: [UInt8] = []  // base 58, least significant first
        for byte in bytes {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let zeros = bytes.prefix(while: { $0 == 0 }).count
        return String(repeating: "1", count: zeros) + String(decoding: digits.reversed().map { alphabet[Int($0)] }, as: UTF8.self)
    }

    static func base58Decode(_ text: String) throws -> [UInt8] {
        guard text.utf8.count <= maxEncodedLength else {
            throw CryptoError("key.invalid", "base58 value is too long")
        }
        var bytes: [UInt8] = []  // base 256, least significant first
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else {
                throw CryptoError("key.invalid", "multibase value has a character outside base58btc")
            }
            var carry = value
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        let zeros = text.utf8.prefix(while: { $0 == UInt8(ascii: "1") }).count
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}
