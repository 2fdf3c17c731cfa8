import Foundation

/// draft-cavage-http-signatures-12: the `Signature` header and its signing string.
enum DraftCavage {
    static let maxHeaderBytes = 8192

    static func parse(_ header: String, parts: HTTPRequestParts) throws -> ParsedSignature {
        guard header.utf8.count <= maxHeaderBytes else { throw CryptoError("signature.malformed", "Signature header is too long") }
        let parameters = try parseParameters(header)
        guard let keyId = parameters["keyid"], !keyId.isEmpty else { throw CryptoError("signature.malformed", "Signature has no keyId") }
        guard let encoded = parameters["signature"], let signature = Data(base64Encoded: encoded), !signature.isEmpty else {
            throw CryptoError("signature.malformed", "Signature has no base64 signature")
        }
        let algorithm: SignatureAlgorithm?
        switch parameters["algorithm"]?.lowercased() {
        case nil, "hs2019": algorithm = nil
        case "rsa-sha256": algorithm = .rsaSHA256
        case "ed25519": algorithm = .ed25519
        case let other?: throw CryptoError("signature.algorithmUnsupported", "algorithm \(other.prefix(40)) is not supported")
        }
        let covered = (parameters["headers"] ?? "date").lowercased().split(separator: " ").map(String.init)
        guard !covered.isEmpty, covered.count <= 32 else { throw CryptoError("signature.malformed", "Signature covers no headers") }
        let created = try parameters["created"].map { try timestamp($0, "created") }
        let expires = try parameters["expires"].map { try timestamp($0, "expires") }
        let base = try signingString(covered: covered, parts: parts, created: created, expires: expires)
        return ParsedSignature(
            scheme: .draftCavage, keyId: keyId, algorithm: algorithm,
            created: created ?? (covered.contains("date") ? parts.header("date").flatMap(HTTPDate.parse) : nil),
            expires: expires, coveredComponents: covered, signatureBase: Data(base.utf8), signature: signature)
    }

    static func signingString(covered: [String], parts: HTTPRequestParts, created: Date?, expires: Date?) throws -> String {
        try covered.map { name -> String in
            switch name {
            case "(request-target)": return "(request-target): \(parts.method.lowercased()) \(parts.path)"
            case "(created)":
                guard let created else { throw CryptoError("signature.malformed", "(created) is covered but missing") }
                return "(created): \(Int64(created.timeIntervalSince1970))"
            case "(expires)":
                guard let expires else { throw CryptoError("signature.malformed", "(expires) is covered but missing") }
                return "(expires): \(Int64(expires.timeIntervalSince1970))"
            default:
                guard let value = parts.header(name) else {
                    throw CryptoError("signature.malformed", "covered header \(name.prefix(64)) is missing")
                }
                return "\(name): \(value)"
            }
        }.joined(separator: "\n")
    }

    /// `name="value",name=123` with names compared lowercased; duplicates are refused.
    static func parseParameters(_ header: String) throws -> [String: String] {
        var result: [String: String] = [:]
        var scalars = Substring(header)
        func malformed(_ reason: String) -> CryptoError { CryptoError("signature.malformed", "Signature header: \(reason)") }
        while true {
            scalars = scalars.drop(while: { $0 == " " || $0 == "\t" })
            guard let equals = scalars.firstIndex(of: "=") else { throw malformed("expected name=value") }
            let name = scalars[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "-" }) else { throw malformed("bad parameter name") }
            scalars = scalars[scalars.index(after: equals)...]
            let value: String
            if scalars.first == "\"" {
                scalars = scalars.dropFirst()
                guard let close = scalars.firstIndex(of: "\"") else { throw malformed("unterminated quoted value") }
                value = String(scalars[..<close])
                scalars = scalars[scalars.index(after: close)...]
            } else {
                let end = scalars.firstIndex(of: ",") ?? scalars.endIndex
                value = scalars[..<end].trimmingCharacters(in: .whitespaces)
                guard !value.isEmpty, value.allSatisfy({ $0.isNumber || $0 == "." }) else { throw malformed("unquoted values must be numbers") }
                scalars = scalars[end...]
            }
            guard result[name] == nil else { throw malformed("parameter \(name) appears twice") }
            result[name] = value
            scalars = scalars.drop(while: { $0 == " " || $0 == "\t" })
            if scalars.isEmpty { return result }
            guard scalars.first == "," else { throw malformed("expected ','") }
            scalars = scalars.dropFirst()
        }
    }

    static func timestamp(_ text: String, _ name: String) throws -> Date {
        guard let value = Double(text), value.isFinite, value >= 0, value < 1e11 else {
            throw CryptoError("signature.malformed", "\(name) is not a Unix time")
        }
        return Date(timeIntervalSince1970: value.rounded(.down))
    }
}
