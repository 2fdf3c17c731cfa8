import Crypto
import _CryptoExtras
import Foundation

/// RSA-2048 key pair used for draft-cavage HTTP signatures (what Mastodon publishes and checks).
package struct RSAKeyPair: Sendable {
    let key: _RSA.Signing.PrivateKey

    /// A fresh 2048-bit key.
    package static func generate() throws -> RSAKeyPair {
        RSAKeyPair(key: try _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    /// Reads a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM.
    package init(privateKeyPEM: String) throws {
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw CryptoError("key.invalid", "not an RSA private key PEM")
        }
    }

    private init(key: _RSA.Signing.PrivateKey) {
        self.key = key
    }

    package var privateKeyPEM: String { key.pemRepresentation }
    /// SPKI `BEGIN PUBLIC KEY` PEM, as `publicKey.publicKeyPem` carries it.
    package var publicKeyPEM: String { key.publicKey.pemRepresentation }

    /// RSASSA-PKCS1-v1_5 with SHA-256.
    package func sign(_ data: Data) throws -> Data {
        try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
    }
}

/// Ed25519 key pair for RFC 9421 signatures and Data Integrity proofs; the public key is published
/// as a FEP-521a Multikey.
package struct Ed25519KeyPair: Sendable {
    let key: Curve25519.Signing.PrivateKey

    package static func generate() -> Ed25519KeyPair {
        Ed25519KeyPair(key: Curve25519.Signing.PrivateKey())
    }

    package init(rawPrivateKey: Data) throws {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
        } catch {
            throw CryptoError("key.invalid", "not a 32-byte Ed25519 private key")
        }
    }

    /// Reads a Multikey `secretKeyMultibase` (`z` + base58btc(0x80 0x26 ‖ 32-byte seed)).
    package init(secretKeyMultibase: String) throws {
        guard secretKeyMultibase.first == "z", secretKeyMultibase.utf8.count <= 100 else {
            throw CryptoError("key.invalid", "secretKeyMultibase must be base58btc ('z…')")
        }
        let bytes = try Multibase.base58Decode(String(secretKeyMultibase.dropFirst()))
        guard bytes.count == 34, bytes[0] == 0x80, bytes[1] == 0x26 else {
            throw CryptoError("key.invalid", "secretKeyMultibase is not an Ed25519 private key")
        }
        try self.init(rawPrivateKey: Data(bytes.dropFirst(2)))
    }

    private init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
    }

    package var rawPrivateKey: Data { key.rawRepresentation }

    /// `z` + base58btc(0xed 0x01 ‖ public key): the `publicKeyMultibase` of a Multikey.
    package var publicKeyMultibase: String {
        Multibase.encodeEd25519(publicKeyRaw)
    }

    /// The 32-byte public key.
    package var publicKeyRaw: Data { key.publicKey.rawRepresentation }

    package func sign(_ data: Data) throws -> Data {
        try key.signature(for: data)
    }
}

/// The signature algorithms the node checks.
package enum SignatureAlgorithm: Sendable, Equatable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`rsa-sha256`, `rsa-v1_5-sha256`).
    case rsaSHA256
    /// Ed25519.
    case ed25519
}

/// A public key that checks signatures: what a remote actor publishes.
package enum PublicKeyMaterial: Sendable, Equatable {
    /// SPKI or PKCS#1 PEM.
    case rsaPEM(String)
    /// 32 raw bytes.
    case ed25519(Data)

    /// Reads a FEP-521a Multikey `publicKeyMultibase`.
    package static func ed25519(multibase: String) throws -> PublicKeyMaterial {
        .ed25519(try Multibase.decodeEd25519(multibase))
    }

    /// The algorithm this key implies, for `hs2019` and unlabelled RFC 9421 signatures.
    package var impliedAlgorithm: SignatureAlgorithm {
        switch self {
        case .rsaPEM: .rsaSHA256
        case .ed25519: .ed25519
        }
    }

    /// Throws `signature.invalid` unless `signature` is valid over `data`.
    package func verify(signature: Data, over data: Data, algorithm: SignatureAlgorithm) throws {
        switch (self, algorithm) {
        case (.rsaPEM(let pem), .rsaSHA256):
            let key: _RSA.Signing.PublicKey
            do { key = try _RSA.Signing.PublicKey(pemRepresentation: pem) } catch {
                throw CryptoError("key.invalid", "the RSA public key cannot be read")
            }
            let valid = key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: data, padding: .insecurePKCS1v1_5)
            guard valid else { throw CryptoError("signature.invalid", "the signature does not verify") }
        case (.ed25519(let raw), .ed25519):
            let key: Curve25519.Signing.PublicKey
            do { key = try Curve25519.Signing.PublicKey(rawRepresentation: raw) } catch {
                throw CryptoError("key.invalid", "the Ed25519 public key cannot be read")
            }
            guard key.isValidSignature(signature, for: data) else {
                throw CryptoError("signature.invalid", "the signature does not verify")
            }
        default:
            throw CryptoError("key.invalid", "the key type does not match the signature algorithm")
        }
    }
}

/// base58btc multibase for Ed25519 Multikeys.
enum Multibase {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let ed25519Prefix: [UInt8] = [0xED, 0x01]

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
        var digits: [UInt8] = []
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
        var bytes: [UInt8] = []
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else {
                throw CryptoError("key.invalid", "publicKeyMultibase has a character outside base58")
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
