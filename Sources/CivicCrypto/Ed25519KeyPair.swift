import Crypto
import Foundation

/// Ed25519 key pair for RFC 9421 and Data Integrity proofs; public key published as FEP-521a Multikey.
package struct Ed25519KeyPair: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A fresh random key.
    package static func generate() -> Ed25519KeyPair {
        Ed25519KeyPair(key: Curve25519.Signing.PrivateKey())
    }

    /// Reads the 32-byte private key (the RFC 8032 seed), as stored by `rawPrivateKey`.
    package init(rawPrivateKey: Data) throws {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
        } catch {
            throw CryptoError("key.invalid", "not a 32-byte Ed25519 private key")
        }
    }

    /// Reads a Multikey `secretKeyMultibase` (`z` + base58btc(0x80 0x26 ‖ 32-byte seed)), as
    /// FEP-8b32's test vector gives its key.
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

    /// The 32-byte private key (seed); keep it secret.
    package var rawPrivateKey: Data { key.rawRepresentation }

    /// `z` + base58btc(0xed 0x01 ‖ public key), e.g. `z6Mk…`: the `publicKeyMultibase` of a Multikey.
    package var publicKeyMultibase: String {
        Multibase.encodeEd25519(publicKeyRaw)
    }

    /// The 32-byte public key.
    package var publicKeyRaw: Data { key.publicKey.rawRepresentation }

    /// An Ed25519 signature (64 bytes) over `data`; deterministic per RFC 8032.
    package func sign(_ data: Data) throws -> Data {
        do {
            return try key.signature(for: data)
        } catch {
            throw CryptoError("key.invalid", "the Ed25519 key could not sign")
        }
    }
}
