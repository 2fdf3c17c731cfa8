import Foundation

/// RFC 9421 HTTP Message Signatures: `Signature-Input` and `Signature`, and the signature base (§2.5).
///
/// Only the first label of `Signature-Input` is read. Component identifiers with parameters
/// (`;sf`, `;key`, `;bs`, `;req`, `;name`) and `@query-param` are refused as malformed.
enum RFC9421 {
    static func parse(input: String, signature: String, parts: HTTPRequestParts) throws -> ParsedSignature {
        guard input.utf8.count <= 8192, signature.utf8.count <= 8192 else {
            throw CryptoError("signature.malformed", "Signature-Input or Signature is too long")
        }
        let inputs: [(String, StructuredField.Member)]
        let signatures: [(String, StructuredField.Member)]
        do {
            inputs = try StructuredField.parseDictionaryMembers(input)
            signatures = try StructuredField.parseDictionaryMembers(signature)
        } catch {
            throw CryptoError("signature.malformed", "Signature-Input or Signature is not a valid structured field")
        }
        guard let (label, member) = inputs.first, case .innerList(let items, let parameters, let paramsText) = member else {
            throw CryptoError("signature.malformed", "Signature-Input has no inner list")
        }
        guard let signed = signatures.first(where: { $0.0 == label }),
              case .item(let item) = signed.1, case .bytes(let signatureBytes) = item.value, !signatureBytes.isEmpty
        else {
            throw CryptoError("signature.malformed", "Signature has no byte sequence labelled \(label)")
        }
        var keyId: String?
        var algorithm: SignatureAlgorithm?
        var created: Date?
        var expires: Date?
        for (name, value) in parameters {
            switch (name, value) {
            case ("keyid", .string(let text)): keyId = text
            case ("alg", .string(let text)):
                switch text {
                case "ed25519": algorithm = .ed25519
                case "rsa-v1_5-sha256": algorithm = .rsaSHA256
                default: throw CryptoError("signature.algorithmUnsupported", "alg \(text.prefix(40)) is not supported")
                }
            case ("created", .integer(let seconds)): created = Date(timeIntervalSince1970: TimeInterval(seconds))
            case ("expires", .integer(let seconds)): expires = Date(timeIntervalSince1970: TimeInterval(seconds))
            case ("created", _), ("expires", _), ("keyid", _), ("alg", _):
                throw CryptoError("signature.malformed", "signature parameter \(name) has the wrong type")
            default: continue
            }
        }
        guard let keyId, !keyId.isEmpty else { throw CryptoError("signature.malformed", "Signature-Input has no keyid") }
        var lines: [String] = []
        var covered: [String] = []
        for item in items {
            guard case .string(let name) = item.value, item.parameters.isEmpty else {
                throw CryptoError("signature.malformed", "only plain component names are supported")
            }
            let lowered = name.lowercased()
            guard name == lowered, !covered.contains(name) else {
                throw CryptoError("signature.malformed", "component \(name.prefix(64)) is repeated or not lowercase")
            }
            lines.append("\"\(name)\": \(try componentValue(name, parts))")
            covered.append(name)
        }
        lines.append("\"@signature-params\": \(paramsText)")
        return ParsedSignature(
            scheme: .rfc9421, keyId: keyId, algorithm: algorithm, created: created, expires: expires, coveredComponents: covered,
            signatureBase: Data(lines.joined(separator: "\n").utf8), signature: signatureBytes)
    }

    /// The value of one covered component: a derived `@…` component or a header field.
    static func componentValue(_ name: String, _ parts: HTTPRequestParts) throws -> String {
        let path = parts.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        switch name {
        case "@method": return parts.method  // case-sensitive, not normalised (§2.2.1)
        case "@target-uri": return "\(parts.scheme.lowercased())://\(parts.authority.lowercased())\(parts.path)"
        case "@authority": return parts.authority.lowercased()
        case "@scheme": return parts.scheme.lowercased()
        case "@request-target": return parts.path
        case "@path": return path.first.map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        case "@query": return "?" + (path.count > 1 ? String(path[1]) : "")
        default:
            guard !name.hasPrefix("@") else { throw CryptoError("signature.malformed", "derived component \(name.prefix(64)) is not supported") }
            guard let value = parts.header(name) else {
                throw CryptoError("signature.malformed", "covered header \(name.prefix(64)) is missing")
            }
            return value
        }
    }
}
