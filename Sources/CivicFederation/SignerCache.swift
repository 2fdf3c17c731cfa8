import CivicCrypto
import CivicModel
import CivicStore
import Foundation
import Synchronization

/// Signing keys of local actors, built once from their stored keys (parsing a PEM costs more than signing).
package final class SignerCache: Sendable {
    let database: AppDatabase
    let uris: URIBuilder
    private let signers = Mutex<[String: HTTPSignatureSigner]>([:])
    private let proofKeys = Mutex<[String: Ed25519KeyPair]>([:])

    package init(database: AppDatabase, uris: URIBuilder) {
        self.database = database
        self.uris = uris
    }

    /// The draft-cavage signer of a local actor, keyed `ACTOR#main-key`.
    package func signer(for actorID: String) async throws -> HTTPSignatureSigner {
        if let cached = signers.withLock({ $0[actorID] }) { return cached }
        guard let key = try await database.localKey(actorID: actorID) else {
            throw FederationError(.permanent, code: "signer.missing", reason: "no key for local actor \(actorID)")
        }
        let signer = HTTPSignatureSigner(keyId: uris.mainKey(actorID), key: try RSAKeyPair(privateKeyPEM: key.rsaPrivateKeyPem))
        signers.withLock { $0[actorID] = signer }
        return signer
    }

    /// The Ed25519 key a local actor signs FEP-8b32 proofs with (published as `ACTOR#ed25519-key`).
    package func proofKey(for actorID: String) async throws -> Ed25519KeyPair {
        if let cached = proofKeys.withLock({ $0[actorID] }) { return cached }
        guard let key = try await database.localKey(actorID: actorID) else {
            throw FederationError(.permanent, code: "signer.missing", reason: "no key for local actor \(actorID)")
        }
        let pair = try Ed25519KeyPair(rawPrivateKey: key.ed25519PrivateKey)
        proofKeys.withLock { $0[actorID] = pair }
        return pair
    }

    /// The instance actor's signer, used for fetches (authorized-fetch servers require signed GETs).
    package func instanceSigner() async throws -> HTTPSignatureSigner {
        try await signer(for: uris.instanceActor)
    }
}
