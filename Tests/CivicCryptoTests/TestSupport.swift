import CivicCrypto
import Foundation

/// The `CryptoError` code `body` throws; nil when it succeeds, a marker for any other error.
func errorCode(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as CryptoError {
        return error.code
    } catch {
        return "not a CryptoError: \(error)"
    }
}

/// parse → checkPolicy → verify, as the inbox runs them; the first error's code, or nil.
func inboxCheck(_ parts: HTTPRequestParts, key: PublicKeyMaterial, now: Date) -> String? {
    errorCode {
        let parsed = try HTTPSignatureVerifier.parse(parts)
        try HTTPSignatureVerifier.checkPolicy(parsed, parts: parts, now: now)
        try HTTPSignatureVerifier.verify(parsed, with: key)
    }
}

extension HTTPRequestParts {
    /// A copy with every header named `name` replaced by one with `value`.
    func replacing(_ name: String, with value: String) -> HTTPRequestParts {
        var copy = self
        copy.headers = headers.map { $0.name.caseInsensitiveCompare(name) == .orderedSame ? (name: $0.name, value: value) : $0 }
        return copy
    }

    /// A copy without headers named `name`.
    func removing(_ name: String) -> HTTPRequestParts {
        var copy = self
        copy.headers = headers.filter { $0.name.caseInsensitiveCompare(name) != .orderedSame }
        return copy
    }
}

/// SHA-256 of `data`, through the production digest (tests do not import Crypto).
func sha256(_ data: Data) -> Data {
    Data(base64Encoded: String(BodyDigest.digestHeader(for: data).dropFirst("SHA-256=".count))) ?? Data()
}
