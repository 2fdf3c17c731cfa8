import CivicFederation
import NIOCore
import Testing

@Suite("Outbound address policy (SSRF)")
struct AddressPolicyTests {
    let strict = AddressPolicy(allowed: [])
    let loopbackOne = AddressPolicy(allowed: [CIDR("127.0.0.1/32")].compactMap { $0 })

    @Test("Private, loopback, link-local, multicast, unspecified and mapped addresses are refused", arguments: [
        "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "::127.0.0.1",
    ])
    func refusesReserved(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(!strict.permits(address))
    }

    @Test("Public unicast addresses are permitted", arguments: ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "::ffff:93.184.216.34"])
    func permitsPublic(text: String) throws {
        #expect(strict.permits(try #require(IPAddress(text))))
    }

    @Test("An allowed range opens exactly that range")
    func allowedRange() throws {
        #expect(loopbackOne.permits(try #require(IPAddress("127.0.0.1"))))
        #expect(!loopbackOne.permits(try #require(IPAddress("127.0.0.2"))))
        #expect(!loopbackOne.permits(try #require(IPAddress("::1"))))
        #expect(loopbackOne.permits(try #require(IPAddress("::ffff:127.0.0.1"))))
    }

    @Test("A peer's socket address reads as the address its text spells", arguments: [
        "127.0.0.1", "93.184.216.34", "255.255.255.255", "::1", "2606:4700::1111", "::ffff:10.1.2.3", "fe80::1",
    ])
    func socketAddresses(text: String) throws {
        #expect(IPAddress(try SocketAddress(ipAddress: text, port: 443)) == IPAddress(text))
        #expect(IPAddress(try SocketAddress(unixDomainSocketPath: "/tmp/civichub.sock")) == nil)
    }

    @Test("Octal, hexadecimal and single-number spellings of addresses are not addresses", arguments: [
        "0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.1", "127.0.0.1.", "1.2.3.256", " 1.2.3.4", "1.2.3.4/8",
    ])
    func refusesOddSpellings(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("Host names that resolvers read as numbers are refused before DNS, and localhost resolves to a refused address")
    func resolve() async throws {
        for host in ["2130706433", "0x7f000001", "0177.0.0.1", "a..b", "-a.example", "exa mple.org"] {
            await #expect(throws: FederationError.self) { try await strict.resolve(host: host) }
        }
        do {
            _ = try await strict.resolve(host: "localhost")
            Issue.record("localhost was permitted")
        } catch let error as FederationError {
            #expect(error.code == "fetch.addressRefused")
        }
        #expect(try await loopbackOne.resolve(host: "127.0.0.1") == [IPAddress("127.0.0.1")].compactMap { $0 })
    }

    @Test("CIDR parsing refuses malformed ranges", arguments: ["127.0.0.1/33", "::1/129", "10.0.0.0/", "/8", "10.0.0.0/-1", "abc/8", "10.0.0.0/8/8"])
    func cidrRefusals(text: String) {
        #expect(CIDR(text) == nil)
    }
}
