import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides which addresses outbound requests may reach: public unicast only, plus the ranges the
/// operator allows (tests and the testbed allow the exact loopback addresses they use).
package struct AddressPolicy: Sendable {
    /// Ranges that are never contacted unless listed in `allowed`.
    static let reserved: [CIDR] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/96", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ].compactMap(CIDR.init)

    /// Private ranges the operator explicitly allows.
    package var allowed: [CIDR]
    /// Answers a host name with its addresses, in the order to try them: the system resolver, or
    /// in tests one that plays a DNS server.
    package var lookUp: @Sendable (String) async throws -> [IPAddress]

    package init(allowed: [CIDR], lookUp: @escaping @Sendable (String) async throws -> [IPAddress] = AddressPolicy.systemLookUp) {
        self.allowed = allowed
        self.lookUp = lookUp
    }

    /// True when `address` may be contacted. Mapped IPv6 forms are judged by their IPv4 address.
    package func permits(_ address: IPAddress) -> Bool {
        if allowed.contains(where: { $0.contains(address) }) { return true }
        if let inner = address.embeddedIPv4 { return permits(inner) }
        return !Self.reserved.contains { $0.contains(address) }
    }

    /// Resolves `host` and returns its addresses, throwing when any of them is refused (a name
    /// that resolves to one public and one private address is refused as a whole). Connect only
    /// to an address returned here (`PinnedClients`): resolving the name again may answer otherwise.
    package func resolve(host: String) async throws -> [IPAddress] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses: [IPAddress]
        if let literal = IPAddress(bare) {
            addresses = [literal]
        } else {
            guard Self.looksLikeHostname(bare) else {
                throw FederationError(.permanent, code: "fetch.badHost", reason: "\"\(host.prefix(100))\" is not a valid host name")
            }
            addresses = try await lookUp(bare)
        }
        guard !addresses.isEmpty else {
            throw FederationError(.transient, code: "fetch.dns", reason: "\(host) has no addresses")
        }
        for address in addresses where !permits(address) {
            throw FederationError(
                .permanent, code: "fetch.addressRefused",
                reason: "\(host) resolves to \(address), which is not a public address")
        }
        return addresses
    }

    /// Host names are LDH labels; anything else (numeric forms such as `2130706433` or `0x7f.1`
    /// that resolvers read as addresses) is refused before DNS.
    static func looksLikeHostname(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.isEmpty, host.utf8.count <= 253 else { return false }
        let valid = labels.allSatisfy { label in
            (1...63).contains(label.count) && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && label.first != "-" && label.last != "-"
        }
        guard valid, let last = labels.last else { return false }
        // The top-level label of a real name is never all digits or hexadecimal-looking.
        return !last.allSatisfy(\.isNumber) && !last.lowercased().hasPrefix("0x")
    }

    /// `getaddrinfo`, off the caller's executor (it blocks).
    package static let systemLookUp: @Sendable (String) async throws -> [IPAddress] = { host in
        try await Task.detached { try getAddresses(host) }.value
    }

    private static func getAddresses(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else {
            throw FederationError(.transient, code: "fetch.dns", reason: "could not resolve \(host)")
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let sockaddr = entry.pointee.ai_addr {
                if entry.pointee.ai_family == AF_INET {
                    let raw = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(IPAddress(bytes: withUnsafeBytes(of: raw) { Array($0) }))
                } else if entry.pointee.ai_family == AF_INET6 {
                    let raw = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(IPAddress(bytes: withUnsafeBytes(of: raw) { Array($0) }))
                }
            }
            cursor = entry.pointee.ai_next
        }
        var seen: Set<IPAddress> = []
        return addresses.filter { seen.insert($0).inserted }
    }
}
