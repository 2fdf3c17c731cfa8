import Foundation

/// draft-cavage-http-signatures-12: the `Signature` header and its signing string.
enum DraftCavage {
    static let maxHeaderBytes = 8192
    static let maxCoveredHeaders = 32

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
        // Absent `headers` means `date` in every draft Mastodon and its peers implement.
        let covered = (parameters["headers"] ?? "date").lowercased().split(separator: " ").map(String.init)
        guard !covered.isEmpty else { throw CryptoError("signature.malformed", "Signature covers no headers") }
        guard covered.count <= maxCoveredHeaders else { throw CryptoError("signature.malformed", "Signature covers too many headers") }
        let created = try parameters["created"].map { try timestamp($0, "created") }
        let expires = try parameters["expires"].map { try timestamp($0, "expires") }
        let base = try signingString(covered: covered, parts: parts, parameters: parameters)
        // Only a signed time counts: an uncovered `created` parameter could be rewritten by a replayer.
        var signedTime: Date?
        if covered.contains("(created)") {
            signedTime = created
        } else if covered.contains("date") {
            guard let date = parts.header("date").flatMap(HTTPDate.parse) else {
                throw CryptoError("signature.malformed", "the covered Date header is not an IMF-fixdate")
            }
            signedTime = date
        }
        return ParsedSignature(
            scheme: .draftCavage, keyId: keyId, algorithm: algorithm, created: signedTime, expires: expires,
            coveredComponents: covered, signatureBase: Data(base.utf8), signature: signature)
    }

    /// The lines `name: value` joined by "\n". `(created)` and `(expires)` repeat the parameters' text.
    static func signingString(covered: [String], parts: HTTPRequestParts, parameters: [String: String]) throws -> String {
        try covered.map { name -> String in
            switch name {
            case "(request-target)": return "(request-target): \(parts.method.lowercased()) \(parts.path)"
            case "(created)", "(expires)":
                let key = String(name.dropFirst().dropLast())
                guard let value = parameters[key] else { throw CryptoError("signature.malformed", "\(name) is covered but missing") }
                return "\(name): \(value)"
            default:
                guard let value = parts.header(name) else {
                    throw CryptoError("signature.malformed", "covered header \(name.prefix(64)) is missing")
                }
                return "\(name): \(value)"
            }
        }.joined(separator: "\n")
    }

    /// `name="value",name=123` with names lowercased; duplicates, control characters and
    /// unquoted non-numbers are refused.
    static func parseParameters(_ header: String) throws -> [String: String] {
        func malformed(_ reason: String) -> CryptoError { CryptoError("signature.malformed", "Signature header: \(reason)") }
        let bytes = Array(header.utf8)
        var index = 0
        var result: [String: String] = [:]
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        while true {
            skipSpaces()
            let nameStart = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            guard index > nameStart, index - nameStart <= 32 else { throw malformed("expected a parameter name") }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw malformed("expected name=value") }
            index += 1
            skipSpaces()
            let value: String
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    guard bytes[index] >= 0x20, bytes[index] != 0x7F else { throw malformed("control character in a value") }
                    index += 1
                }
                guard index < bytes.count else { throw malformed("unterminated quoted value") }
                value = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
            } else {
                let start = index
                while index < bytes.count, isNumberByte(bytes[index]) { index += 1 }
                value = String(decoding: bytes[start..<index], as: UTF8.self)
                guard !value.isEmpty, value.utf8.filter({ $0 == UInt8(ascii: ".") }).count <= 1, value.first != "." else {
                    throw malformed("unquoted values must be numbers")
                }
            }
            guard result[name] == nil else { throw malformed("parameter \(name) appears twice") }
            result[name] = value
            skipSpaces()
            if index == bytes.count { return result }
            guard bytes[index] == UInt8(ascii: ",") else { throw malformed("expected ','") }
            index += 1
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "-")
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
    }

    /// A Unix time (seconds, maybe with a fraction) no later than year 5138.
    static func timestamp(_ text: String, _ name: String) throws -> Date {
        guard text.utf8.count <= 20, let value = Double(text), value.isFinite, value >= 0, value < 1e11 else {
            throw CryptoError("signature.malformed", "\(name) is not a Unix time")
        }
        return Date(timeIntervalSince1970: value.rounded(.down))
    }
}
