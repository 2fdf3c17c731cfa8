import CivicVocabulary
import Crypto
import Foundation

/// FEP-8b32 object integrity proofs: W3C Data Integrity `DataIntegrityProof` with the
/// `eddsa-jcs-2022` cryptosuite (RFC 8785 canonical JSON, SHA-256, Ed25519).
///
/// Any node can check a proof on content it received second-hand, without trusting whoever
/// forwarded it.
package enum DataIntegrity {
    /// The only cryptosuite signed and accepted.
    package static let cryptosuite = "eddsa-jcs-2022"

    /// What a verified proof says: who signed, and when.
    package struct Proof: Sendable, Equatable {
        /// The key (`…#ed25519-key`) that made the proof; its actor must own the document.
        package var verificationMethod: String
        /// The proof's `created` timestamp as written (XML Schema dateTime), if any.
        package var created: String?
    }

    /// Returns `document` with a `proof` by `key`, whose public key is published at `keyID`.
    package static func sign(_ document: JSONValue, keyID: String, key: Ed25519KeyPair, created: String) throws -> JSONValue {
        guard case .object(var members) = document else {
            throw CryptoError("proof.notAnObject", "only JSON objects can carry a proof")
        }
        members["proof"] = nil
        let options: [String: JSONValue] = [
            "type": "DataIntegrityProof", "cryptosuite": .string(cryptosuite), "verificationMethod": .string(keyID),
            "proofPurpose": "assertionMethod", "created": .string(created),
        ]
        let signature = try key.sign(hashData(unsecured: members, options: options))
        var proof = options
        proof["proofValue"] = .string("z" + Multibase.base58Encode(Array(signature)))
        members["proof"] = .object(proof)
        return .object(members)
    }

    /// The proof's claims, read without verifying (to find the key to fetch).
    package static func proof(of document: JSONValue) throws -> Proof {
        guard let proof = document["proof"], case .object = proof else {
            throw CryptoError("proof.missing", "the document carries no proof")
        }
        guard proof["type"]?.stringValue == "DataIntegrityProof", proof["cryptosuite"]?.stringValue == cryptosuite else {
            throw CryptoError("proof.unsupported", "only DataIntegrityProof with \(cryptosuite) is supported")
        }
        guard proof["proofPurpose"]?.stringValue == "assertionMethod" else {
            throw CryptoError("proof.purpose", "the proof's purpose must be assertionMethod")
        }
        guard let method = proof["verificationMethod"]?.stringValue else {
            throw CryptoError("proof.malformed", "the proof names no verificationMethod")
        }
        return Proof(verificationMethod: method, created: proof["created"]?.stringValue)
    }

    /// Verifies the proof on `document` with `key` (the Ed25519 key of its verificationMethod).
    @discardableResult
    package static func verify(_ document: JSONValue, with key: PublicKeyMaterial) throws -> Proof {
        let claims = try proof(of: document)
        guard case .object(var members) = document, case .object(var options)? = members["proof"],
              let encoded = options["proofValue"]?.stringValue, encoded.first == "z", encoded.utf8.count <= 200
        else {
            throw CryptoError("proof.malformed", "the proof has no base58btc proofValue")
        }
        let signature = Data(try Multibase.base58Decode(String(encoded.dropFirst())))
        options["proofValue"] = nil
        members["proof"] = nil
        // W3C vc-di-eddsa writes the document's @context into the proof, which must then
        // begin the document's own @context. Fediverse implementations (FEP-8b32's test vector,
        // bovine, Mitra) leave it out and hash the options as they are; some hash them with the
        // document's @context added. Accept those two forms when the proof names no @context.
        if let proofContext = options["@context"] {
            let expected = proofContext.arrayValue ?? [proofContext]
            let actual = members["@context"].map { $0.arrayValue ?? [$0] } ?? []
            guard actual.starts(with: expected) else {
                throw CryptoError("proof.context", "the proof's @context does not match the document's")
            }
        }
        for withContext in options["@context"] == nil ? [false, true] : [false] {
            let data = hashData(unsecured: members, options: options, includingContext: withContext)
            do {
                try key.verify(signature: signature, over: data, algorithm: .ed25519)
                return claims
            } catch let error as CryptoError where error.code == "signature.invalid" {
                continue
            }
        }
        throw CryptoError("proof.invalid", "the proof does not verify: the document or its proof was changed")
    }

    /// SHA-256 of the canonical proof options, then SHA-256 of the canonical document without
    /// its proof. Signing hashes the options as FEP-8b32 does (without `@context`).
    static func hashData(unsecured: [String: JSONValue], options: [String: JSONValue], includingContext: Bool = false) -> Data {
        var configuration = options
        if includingContext, let context = unsecured["@context"] { configuration["@context"] = context }
        let proofHash = SHA256.hash(data: CanonicalJSON.encode(.object(configuration)))
        let documentHash = SHA256.hash(data: CanonicalJSON.encode(.object(unsecured)))
        return Data(proofHash) + Data(documentHash)
    }
}
