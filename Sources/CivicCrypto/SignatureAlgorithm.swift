/// The signature algorithms the node checks.
///
/// Header names map onto these: draft-cavage `rsa-sha256` and RFC 9421 `rsa-v1_5-sha256` are
/// `.rsaSHA256`; `ed25519` is `.ed25519`. `hs2019` or an absent RFC 9421 `alg` leave the choice to the key.
package enum SignatureAlgorithm: Sendable, Equatable {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rsaSHA256
    /// Ed25519 (RFC 8032, pure).
    case ed25519
}
