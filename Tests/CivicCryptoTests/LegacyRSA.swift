import Foundation

/// Test-only RSASSA-PKCS1-v1_5 / SHA-256 check by textbook arithmetic (s^e mod n).
///
/// draft-cavage-12's example key has 1024 bits, which production code refuses; this lets the
/// published example signatures still check our signing strings, without weakening the product.
enum LegacyRSA {
    struct PublicKey {
        var modulus: [UInt8]
        var exponent: [UInt8]
    }

    struct Malformed: Error {}

    /// Reads n and e from an SPKI `BEGIN PUBLIC KEY` PEM.
    static func publicKey(spkiPEM: String) throws -> PublicKey {
        let body = spkiPEM.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: body) else { throw Malformed() }
        var spki = DERReader(bytes: Array(der))
        var outer = DERReader(bytes: try spki.read(tag: 0x30))
        _ = try outer.read(tag: 0x30)  // AlgorithmIdentifier
        let bitString = try outer.read(tag: 0x03)
        guard bitString.first == 0 else { throw Malformed() }
        var rsaKey = DERReader(bytes: Array(bitString.dropFirst()))
        var numbers = DERReader(bytes: try rsaKey.read(tag: 0x30))
        let modulus = Array(try numbers.read(tag: 0x02).drop(while: { $0 == 0 }))
        let exponent = Array(try numbers.read(tag: 0x02).drop(while: { $0 == 0 }))
        return PublicKey(modulus: modulus, exponent: exponent)
    }

    /// Whether `signature` is a valid PKCS#1 v1.5 signature of the SHA-256 digest `digest` under `key`.
    static func isValid(signature: Data, sha256 digest: Data, key: PublicKey) -> Bool {
        let length = key.modulus.count
        guard signature.count == length, digest.count == 32 else { return false }
        let n = limbs(key.modulus)
        let s = limbs(Array(signature))
        guard s.count == n.count, compare(s, n) < 0 else { return false }
        var result: [UInt32] = [1] + [UInt32](repeating: 0, count: n.count - 1)
        for byte in key.exponent {
            for bit in (0..<8).reversed() {
                result = reduce(multiply(result, result), n)
                if (byte >> bit) & 1 == 1 { result = reduce(multiply(result, s), n) }
            }
        }
        let digestInfo: [UInt8] = [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
        let tail = [0x00] + digestInfo + Array(digest)
        let expected = [0x00, 0x01] + [UInt8](repeating: 0xFF, count: length - 3 - tail.count + 1) + tail
        return bytes(result, count: length) == expected
    }

    struct DERReader {
        var bytes: [UInt8]
        var index = 0

        mutating func read(tag: UInt8) throws -> [UInt8] {
            guard index + 2 <= bytes.count, bytes[index] == tag else { throw Malformed() }
            var length = Int(bytes[index + 1])
            index += 2
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard count <= 2, index + count <= bytes.count else { throw Malformed() }
                length = bytes[index..<index + count].reduce(0) { $0 << 8 | Int($1) }
                index += count
            }
            guard index + length <= bytes.count else { throw Malformed() }
            defer { index += length }
            return Array(bytes[index..<index + length])
        }
    }

    /// Big-endian bytes to little-endian 32-bit limbs.
    static func limbs(_ bytes: [UInt8]) -> [UInt32] {
        var limbs = [UInt32](repeating: 0, count: (bytes.count + 3) / 4)
        for (offset, byte) in bytes.reversed().enumerated() { limbs[offset / 4] |= UInt32(byte) << (8 * (offset % 4)) }
        return limbs
    }

    static func bytes(_ limbs: [UInt32], count: Int) -> [UInt8] {
        (0..<count).reversed().map { offset in
            offset / 4 < limbs.count ? UInt8(truncatingIfNeeded: limbs[offset / 4] >> (8 * (offset % 4))) : 0
        }
    }

    static func multiply(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var product = [UInt32](repeating: 0, count: a.count + b.count)
        for i in a.indices {
            var carry: UInt64 = 0
            for j in b.indices {
                let sum = UInt64(a[i]) * UInt64(b[j]) + UInt64(product[i + j]) + carry
                product[i + j] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
            }
            product[i + b.count] = UInt32(carry)
        }
        return product
    }

    /// a mod n by binary long division; the result has as many limbs as n.
    static func reduce(_ a: [UInt32], _ n: [UInt32]) -> [UInt32] {
        var remainder = [UInt32](repeating: 0, count: n.count + 1)
        let modulus = n + [0]
        for bit in stride(from: a.count * 32 - 1, through: 0, by: -1) {
            var carry = (a[bit / 32] >> UInt32(bit % 32)) & 1
            for index in remainder.indices {
                let next = remainder[index] >> 31
                remainder[index] = remainder[index] << 1 | carry
                carry = next
            }
            if compare(remainder, modulus) >= 0 {
                var borrow: Int64 = 0
                for index in remainder.indices {
                    var difference = Int64(remainder[index]) - Int64(modulus[index]) - borrow
                    borrow = difference < 0 ? 1 : 0
                    if difference < 0 { difference += 1 << 32 }
                    remainder[index] = UInt32(difference)
                }
            }
        }
        return Array(remainder.prefix(n.count))
    }

    /// Compares two equally long limb arrays.
    static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        for index in a.indices.reversed() where a[index] != b[index] { return a[index] < b[index] ? -1 : 1 }
        return 0
    }
}
