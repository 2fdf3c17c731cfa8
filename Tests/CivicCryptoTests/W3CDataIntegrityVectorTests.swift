import CivicCrypto
import CivicVocabulary
import Crypto
import Foundation
import Testing

/// The eddsa-jcs-2022 test vector of W3C "Data Integrity EdDSA Cryptosuites v1.0"
/// (vc-di-eddsa, TestVectors/eddsa-jcs-2022 and TestVectors/keyPair.json): the W3C form puts the
/// document's `@context` into the proof options, which FEP-8b32's form leaves out.
@Suite("W3C vc-di-eddsa eddsa-jcs-2022 test vector")
struct W3CDataIntegrityVectorTests {
    static let publicKeyMultibase = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    static let secretKeyMultibase = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
    static let context: JSONValue = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
    static let unsecured: JSONValue = [
        "@context": context, "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"], "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.", "issuer": "https://vc.example/issuers/5678",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": ["id": "did:example:abcdefgh", "alumniOf": "The School of Examples"],
    ]
    static let proofOptions: [String: JSONValue] = [
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod", "@context": context,
    ]
    static let proofValue = "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
    static let signatureHex =
        "fc91dec6565f35fbe185a77352e7fc512f95d1904da305cfef32ab8135469301f5a72d4e7a58368fc6ffc497b44633993bac054e3bc1436e3c846db8f1544503"
    /// canonDocJCS.txt: the RFC 8785 form of the unsecured document.
    static let canonicalDocument = #"{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},"description":"A minimum viable example of an Alumni Credential.","id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678","name":"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],"validFrom":"2023-01-01T00:00:00Z"}"#

    static var secured: JSONValue {
        guard case .object(var members) = unsecured else { return unsecured }
        var proof = proofOptions
        proof["proofValue"] = .string(proofValue)
        members["proof"] = .object(proof)
        return .object(members)
    }

    @Test("The key pair, the canonical document and the signature are the vector's")
    func derivation() throws {
        let key = try Ed25519KeyPair(secretKeyMultibase: Self.secretKeyMultibase)
        #expect(key.publicKeyMultibase == Self.publicKeyMultibase)
        #expect(String(decoding: CanonicalJSON.encode(Self.unsecured), as: UTF8.self) == Self.canonicalDocument)

        // hashData = SHA-256(JCS(proof options with @context)) ‖ SHA-256(JCS(document)); Ed25519 is deterministic.
        let hashData = Data(SHA256.hash(data: CanonicalJSON.encode(.object(Self.proofOptions))))
            + Data(SHA256.hash(data: CanonicalJSON.encode(Self.unsecured)))
        let signature = try key.sign(hashData)
        #expect(signature.map { String(format: "%02x", $0) }.joined() == Self.signatureHex)
    }

    @Test("The vector's secured document verifies with the vector's public key")
    func verifies() throws {
        let key = try PublicKeyMaterial.ed25519(multibase: Self.publicKeyMultibase)
        let proof = try DataIntegrity.verify(Self.secured, with: key)
        #expect(proof.verificationMethod == Self.proofOptions["verificationMethod"]?.stringValue)
        #expect(proof.created == "2023-02-24T23:36:38Z")
    }

    @Test("A proof whose own @context does not begin the document's is refused as proof.context, even when signed")
    func contextMismatch() throws {
        let key = try Ed25519KeyPair(secretKeyMultibase: Self.secretKeyMultibase)
        var options = Self.proofOptions
        options["@context"] = ["https://www.w3.org/ns/credentials/examples/v2"]
        let hashData = Data(SHA256.hash(data: CanonicalJSON.encode(.object(options))))
            + Data(SHA256.hash(data: CanonicalJSON.encode(Self.unsecured)))
        guard case .object(var members) = Self.unsecured else { return }
        let signature = try key.sign(hashData)
        // base58btc of the signature, written here so the test needs no encoder of ours
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        var digits: [Int] = [0]
        for byte in signature {
            var carry = Int(byte)
            for index in digits.indices {
                carry += digits[index] << 8
                digits[index] = carry % 58
                carry /= 58
            }
            while carry > 0 { digits.append(carry % 58); carry /= 58 }
        }
        let leadingZeros = signature.prefix { $0 == 0 }.count
        let encoded = String(repeating: "1", count: leadingZeros) + String(digits.reversed().drop { $0 == 0 }.map { alphabet[$0] })
        options["proofValue"] = .string("z" + encoded)
        members["proof"] = .object(options)
        let publicKey = try PublicKeyMaterial.ed25519(multibase: Self.publicKeyMultibase)
        #expect(throws: CivicCrypto.CryptoError("proof.context", "the proof's @context does not match the document's")) {
            try DataIntegrity.verify(.object(members), with: publicKey)
        }
    }

    @Test("Any change to the vector's document, proof options or signature fails", arguments: [
        "name", "validFrom", "credentialSubject", "proof.created", "proof.@context", "proof.proofValue",
    ])
    func tampered(field: String) throws {
        guard case .object(var members) = Self.secured, case .object(var proof)? = members["proof"] else {
            Issue.record("the vector has no proof")
            return
        }
        switch field {
        case "proof.created": proof["created"] = "2023-02-24T23:36:39Z"
        case "proof.@context": proof["@context"] = ["https://www.w3.org/ns/credentials/v2"]
        case "proof.proofValue":
            proof["proofValue"] = .string(String(Self.proofValue.dropLast()) + (Self.proofValue.hasSuffix("4") ? "5" : "4"))
        case "credentialSubject": members["credentialSubject"] = ["id": "did:example:abcdefgh", "alumniOf": "Another School"]
        default: members[field] = "changed"
        }
        members["proof"] = .object(proof)
        let key = try PublicKeyMaterial.ed25519(multibase: Self.publicKeyMultibase)
        do {
            try DataIntegrity.verify(.object(members), with: key)
            Issue.record("a changed \(field) verified")
        } catch let error as CivicCrypto.CryptoError {
            #expect(error.code == "proof.invalid", "\(error)")
        }
    }
}
