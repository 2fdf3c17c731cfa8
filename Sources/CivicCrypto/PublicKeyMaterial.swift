import Crypto
import _CryptoExtras
import Foundation

/// A public key that can check a signature: what a remote actor publishes.
package enum PublicKeyMaterial: Sendable, Equatable {
    /// SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`) PEM; at least 2048 bits.
    case rsaPEM(String)
    /// 32 raw bytes.
    case ed25519(Data)

    /// Reads a FEP-521a Multikey `publicKeyMultibase` (`z` + base58btc(0xed 0x01 ‖ 32 bytes)).
    package static func ed25519(multibase: String) throws -> PublicKeyMaterial {
        .ed25519(try Multibase.decodeEd25519(multibase))
    }

    /// The algorithm this key implies, for `hs2019` and RFC 9421 signatures without `alg`.
    package var impliedAlgorithm: SignatureAlgorithm {
        switch self {
        case .rsaPEM: .rsaSHA256
        case .ed25519: .ed25519
        }
    }

    /// Throws `signature.invalid` unless `signature` is valid over `data`, and `key.invalid` when
    /// the key cannot be read or does not fit `algorithm`.
    ///
    /// RSA keys under 2048 bits are refused as `key.invalid`: no fediverse server we federate
    /// with publishes one, and accepting them would invite forgeries.
    package func verify(signature: Data, over data: Data, algorithm: SignatureAlgorithm) throws {
        switch (self, algorithm) {
        case (.rsaPEM(let pem), .rsaSHA256):
            let key = try ParsedRSAKeys.shared.key(pem)
            let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            guard key.isValidSignature(signature, for: data, padding: .insecurePKCS1v1_5) else {
                throw CryptoError("signature.invalid", "the signature does not verify")
            }
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

/// RSA public keys parsed once: reading a PEM key (base64, ASN.1, Montgomery set-up) costs more
/// than checking a signature with it, and the same few thousand remote keys sign most requests.
final class ParsedRSAKeys: @unchecked Sendable {
    static let shared = ParsedRSAKeys()
    /// Keys kept; when full the cache starts over (remote keys are re-read on next use).
    static let capacity = 10_000
    private let lock = NSLock()
    private var keys: [String: _RSA.Signing.PublicKey] = [:]

    func key(_ pem: String) throws -> _RSA.Signing.PublicKey {
        if let key = lock.withLock({ keys[pem] }) { return key }
        let key: _RSA.Signing.PublicKey
        do { key = try _RSA.Signing.PublicKey(pemRepresentation: pem) } catch {
            throw CryptoError("key.invalid", "the RSA public key cannot be read or is shorter than 2048 bits")
        }
        lock.withLock {
            if keys.count >= Self.capacity { keys.removeAll(keepingCapacity: true) }
            keys[pem] = key
        }
        return key
    }
}
