extension IRI {
    /// The origin of an IRI in the shape nearly every federated IRI has, read in one pass over its
    /// bytes: `http` or `https`, `://`, a host of dot-separated ASCII labels of letters, digits and
    /// '-' (no punycode label), an optional decimal port, then nothing but RFC 3986 characters and
    /// at most one '#'.
    ///
    /// Nil for anything else, which `origin(of:)` then reads with `URLComponents`. This path never
    /// refuses and only answers where `URLComponents` answers the same (a differential test and the
    /// `fuzz-iri` target hold it to that); it exists because every signed request needs the
    /// origins of its key, actor and activity, and `URLComponents` costs ~4 % of the node's CPU
    /// under ingest and loads ICU's IDNA tables.
    package static func plainOrigin(of text: String) -> String? {
        var text = text
        return text.withUTF8(plainOrigin(bytes:))
    }

    private static func plainOrigin(bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let count = bytes.count
        // "http" and "s" compared in lower case: `| 0x20` maps only 'H' and 'h' to 'h', and so on.
        guard count > 7, count <= 2048, bytes[0] | 0x20 == UInt8(ascii: "h"), bytes[1] | 0x20 == UInt8(ascii: "t"),
              bytes[2] | 0x20 == UInt8(ascii: "t"), bytes[3] | 0x20 == UInt8(ascii: "p")
        else { return nil }
        let secure = bytes[4] | 0x20 == UInt8(ascii: "s")
        var index = secure ? 5 : 4
        guard index + 3 < count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
              bytes[index + 2] == UInt8(ascii: "/")
        else { return nil }
        index += 3

        let hostStart = index
        var labelStart = index
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard index > labelStart, !isPunycodePrefix(bytes, labelStart, index) else { return nil }
                labelStart = index + 1
            } else if !(isAlphanumeric(byte) || byte == UInt8(ascii: "-")) {
                break
            }
            index += 1
        }
        // An empty last label is an empty host or a trailing dot, both refused by the other path.
        guard index > labelStart, !isPunycodePrefix(bytes, labelStart, index) else { return nil }
        let hostEnd = index

        var port: Int?
        if index < count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            let digitsStart = index
            var value = 0
            while index < count, index - digitsStart < 5, isDigit(bytes[index]) {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard index > digitsStart, bytes[digitsStart] != UInt8(ascii: "0"), value <= 65535 else { return nil }
            port = value
        }
        guard index == count || bytes[index] == UInt8(ascii: "/") || bytes[index] == UInt8(ascii: "?")
            || bytes[index] == UInt8(ascii: "#")
        else { return nil }
        var seenFragment = false
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else { return nil }
                index += 3
                continue
            }
            if byte == UInt8(ascii: "#") {
                guard !seenFragment else { return nil }
                seenFragment = true
            } else if !isURICharacter(byte) {
                return nil
            }
            index += 1
        }

        let portSuffix = port.flatMap { $0 == (secure ? 443 : 80) ? nil : ":\($0)" } ?? ""
        let host = String(unsafeUninitializedCapacity: hostEnd - hostStart) { buffer in
            for offset in 0..<(hostEnd - hostStart) {
                let byte = bytes[hostStart + offset]
                buffer[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return hostEnd - hostStart
        }
        return (secure ? "https://" : "http://") + host + portSuffix
    }

    /// True when the label `bytes[start..<end]` starts with `xn--`, which `URLComponents` decodes to Unicode.
    private static func isPunycodePrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= 4 && bytes[start] | 0x20 == UInt8(ascii: "x") && bytes[start + 1] | 0x20 == UInt8(ascii: "n")
            && bytes[start + 2] == UInt8(ascii: "-") && bytes[start + 3] == UInt8(ascii: "-")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return isDigit(byte) || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return isDigit(byte) || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f"))
    }

    /// RFC 3986 unreserved, sub-delims, ':', '@', '/' and '?': what a path, query or fragment may hold unencoded.
    private static func isURICharacter(_ byte: UInt8) -> Bool {
        if isAlphanumeric(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }
}
