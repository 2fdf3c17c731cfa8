import Crypto
import _CryptoExtras
import Foundation

/// RSA-2048 key pair used for draft-cavage HTTP signatures (Mastodon-compatible).
package struct RSAKeyPair: Sendable {
    let key: _RSA.Signing.PrivateKey

    /// A fresh 2048-bit key.
    package static func generate() throws -> RSAKeyPair {
        do {
            return RSAKeyPair(key: try _RSA.Signing.PrivateKey(keySize: .bits2048))
        } catch {
            throw CryptoError("key.invalid", "could not generate an RSA key")
        }
    }

    /// Reads a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM.
    ///
    /// Keys shorter than 2048 bits are refused with `key.invalid`.
    package init(privateKeyPEM: String) throws {
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw CryptoError("key.invalid", "not an RSA private key PEM of at least 2048 bits")
        }
    }

    private init(key: _RSA.Signing.PrivateKey) {
        self.key = key
    }

    /// The private key as a PKCS#1 `BEGIN RSA PRIVATE KEY` PEM (what `init(privateKeyPEM:)` reads back).
    package var privateKeyPEM: String { key.pemRepresentation }

    /// SPKI `BEGIN PUBLIC KEY` PEM, what Mastodon publishes in `publicKey.publicKeyPem`.
    package var publicKeyPEM: String { key.publicKey.pemRepresentation }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `data` (deterministic: the same input gives the same bytes).
    package func sign(_ data: Data) throws -> Data {
        do {
            return try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
        } catch {
            throw CryptoError("key.invalid", "the RSA key could not sign")
        }
    }
}
