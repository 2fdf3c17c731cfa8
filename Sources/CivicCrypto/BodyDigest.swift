import Crypto
import Foundation

/// Body digests: draft-cavage `Digest: SHA-256=<b64>` and RFC 9530 `Content-Digest: sha-256=:<b64>:`.
package enum BodyDigest {
    /// The draft-cavage `Digest` value for `body`: `SHA-256=<base64>`.
    package static func digestHeader(for body: Data) -> String {
        "SHA-256=" + Data(SHA256.hash(data: body)).base64EncodedString()
    }

    /// The RFC 9530 `Content-Digest` value for `body`: `sha-256=:<base64>:`.
    package static func contentDigestHeader(for body: Data) -> String {
        "sha-256=:" + Data(SHA256.hash(data: body)).base64EncodedString() + ":"
    }

    /// Checks a `Digest` header value (one or more `ALG=base64`, comma-separated, e.g.
    /// `SHA-256=…,SHA-512=…`) against the body; algorithm names are case-insensitive.
    ///
    /// Every supported algorithm listed (SHA-256, SHA-512) must match, others are skipped, and at
    /// least one must be supported. Throws `digest.mismatch`, `digest.unsupported` or `digest.malformed`.
    package static func verifyDigestHeader(_ value: String, body: Data) throws {
        guard value.utf8.count <= 4096 else { throw CryptoError("digest.malformed", "Digest is too long") }
        var checked = 0
        for item in value.split(separator: ",") {
            // Spaces and tabs only (RFC 9110's optional white space); Foundation's trimming cost ~3 % of ingest CPU.
            let trimmed = HTTPRequestParts.trimmed(String(item))
            guard let equals = trimmed.firstIndex(of: "=") else { throw CryptoError("digest.malformed", "Digest entries look like SHA-256=…") }
            let algorithm = trimmed[..<equals].lowercased()
            let encoded = String(trimmed[trimmed.index(after: equals)...])
            guard let expected = digest(algorithm: algorithm, body: body) else { continue }
            guard let given = Data(base64Encoded: encoded) else { throw CryptoError("digest.malformed", "Digest value is not base64") }
            guard given == expected else { throw CryptoError("digest.mismatch", "Digest does not match the body") }
            checked += 1
        }
        guard checked > 0 else { throw CryptoError("digest.unsupported", "Digest names no supported algorithm (SHA-256, SHA-512)") }
    }

    /// Checks an RFC 9530 `Content-Digest` structured-field dictionary (`sha-256=:b64:`, `sha-512=:b64:`)
    /// against the body, with the same rules and codes as `verifyDigestHeader`.
    package static func verifyContentDigestHeader(_ value: String, body: Data) throws {
        guard value.utf8.count <= 4096 else { throw CryptoError("digest.malformed", "Content-Digest is too long") }
        let dictionary: [(String, StructuredField.Item)]
        do { dictionary = try StructuredField.parseDictionary(value) } catch {
            throw CryptoError("digest.malformed", "Content-Digest is not a structured-field dictionary")
        }
        var checked = 0
        for (algorithm, item) in dictionary {
            guard let expected = digest(algorithm: algorithm, body: body) else { continue }
            guard case .bytes(let given) = item.value else { throw CryptoError("digest.malformed", "Content-Digest values are byte sequences") }
            guard given == expected else { throw CryptoError("digest.mismatch", "Content-Digest does not match the body") }
            checked += 1
        }
        guard checked > 0 else { throw CryptoError("digest.unsupported", "Content-Digest names no supported algorithm (sha-256, sha-512)") }
    }

    private static func digest(algorithm: String, body: Data) -> Data? {
        switch algorithm {
        case "sha-256": Data(SHA256.hash(data: body))
        case "sha-512": Data(SHA512.hash(data: body))
        default: nil
        }
    }
}
