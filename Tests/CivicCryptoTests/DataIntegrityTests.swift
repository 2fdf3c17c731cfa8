import CivicCrypto
import CivicVocabulary
import Foundation
import Testing

@Suite("FEP-8b32 Data Integrity proofs (eddsa-jcs-2022)")
struct DataIntegrityTests {
    // FEP-8b32 test vector (its "Signing document" scenario): the key, time and expected proof.
    static let secretKey = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
    static let keyID = "https://server.example/users/alice#ed25519-key"
    static let document: JSONValue = [
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1"],
        "type": "Create", "actor": "https://server.example/users/alice",
        "object": ["type": "Note", "content": "Hello world"],
    ]
    static let expectedProofValue = "z3sXaxjKs4M3BRicwWA9peyNPJvJqxtGsDmpt1jjoHCjgeUf71TRFz56osPSfDErszyLp5Ks1EhYSgpDaNM977Rg2"

    @Test("Signing the FEP-8b32 document gives the FEP's proofValue, and it verifies")
    func fepVector() throws {
        let key = try Ed25519KeyPair(secretKeyMultibase: Self.secretKey)
        let signed = try DataIntegrity.sign(Self.document, keyID: Self.keyID, key: key, created: "2023-02-24T23:36:38Z")
        #expect(signed["proof"]?["proofValue"]?.stringValue == Self.expectedProofValue)
        #expect(signed["proof"]?["cryptosuite"]?.stringValue == "eddsa-jcs-2022")
        let proof = try DataIntegrity.verify(signed, with: try PublicKeyMaterial.ed25519(multibase: key.publicKeyMultibase))
        #expect(proof.verificationMethod == Self.keyID)
    }

    @Test("A changed document, a changed proof, or another key fails verification")
    func tampering() throws {
        let key = try Ed25519KeyPair(secretKeyMultibase: Self.secretKey)
        let publicKey = try PublicKeyMaterial.ed25519(multibase: key.publicKeyMultibase)
        let signed = try DataIntegrity.sign(Self.document, keyID: Self.keyID, key: key, created: "2023-02-24T23:36:38Z")
        guard case .object(var members) = signed, case .object(var proof)? = members["proof"] else {
            Issue.record("no proof")
            return
        }

        var changedContent = members
        changedContent["object"] = ["type": "Note", "content": "Hello world!"]
        #expect(throws: CryptoError("proof.invalid", "the proof does not verify: the document or its proof was changed")) {
            try DataIntegrity.verify(.object(changedContent), with: publicKey)
        }
        proof["created"] = "2024-01-01T00:00:00Z"
        members["proof"] = .object(proof)
        #expect(throws: CryptoError.self) { try DataIntegrity.verify(.object(members), with: publicKey) }
        #expect(throws: CryptoError.self) {
            try DataIntegrity.verify(signed, with: try PublicKeyMaterial.ed25519(multibase: Ed25519KeyPair.generate().publicKeyMultibase))
        }
    }

    @Test("Proofs of the wrong shape are refused before any verification", arguments: [
        ["type": "Note"] as JSONValue,
        ["type": "Note", "proof": "z123"],
        ["type": "Note", "proof": ["type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "k", "proofValue": "z1"]],
        ["type": "Note", "proof": ["type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofPurpose": "authentication", "verificationMethod": "k", "proofValue": "z1"]],
        ["type": "Note", "proof": ["type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofPurpose": "assertionMethod", "proofValue": "z1"]],
        ["type": "Note", "proof": ["type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofPurpose": "assertionMethod", "verificationMethod": "k", "proofValue": "u0OIl"]],
        ["type": "Note", "proof": ["type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofPurpose": "assertionMethod", "verificationMethod": "k", "proofValue": "z0OIl"]],
    ])
    func malformed(document: JSONValue) {
        let key = PublicKeyMaterial.ed25519(Data(repeating: 1, count: 32))
        #expect(throws: CryptoError.self) { try DataIntegrity.verify(document, with: key) }
    }
}
