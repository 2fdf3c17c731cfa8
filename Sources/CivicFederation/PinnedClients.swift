import AsyncHTTPClient
import Synchronization

/// HTTP clients that connect to the address the `AddressPolicy` checked, not to whatever a host
/// name resolves to when the connection opens. Without this a name that answers with a public
/// address for the check and a private one a moment later (DNS rebinding) reaches an address
/// nobody checked.
///
/// AsyncHTTPClient has no per-request resolver, but a client's `dnsOverride` maps a name to an
/// address while the request, its `Host` header, SNI and certificate checks keep the name. So each
/// host name gets its own client pinned to one checked address; when the name resolves elsewhere
/// a new client is pinned and the old one is shut down once its requests are done. Hosts written
/// as addresses need no pinning and share one client.
final class PinnedClients: Sendable {
    /// One client pinned to `address` for one host name.
    final class Pin: Sendable {
        let address: String
        let client: HTTPClient
        /// Requests running on the client, whether it was replaced, and whether shutdown began.
        private struct Usage {
            var running = 0
            var retired = false
            var shutDown = false

            /// True once for a retired client with nothing running: the caller shuts it down.
            mutating func claimShutdown() -> Bool {
                guard retired, running == 0, !shutDown else { return false }
                shutDown = true
                return true
            }
        }
        private let state = Mutex(Usage())

        init(address: String, client: HTTPClient) {
            self.address = address
            self.client = client
        }

        func begin() { state.withLock { $0.running += 1 } }

        /// Ends a request; returns true when the client is retired and now idle (time to shut it down).
        func end() -> Bool {
            state.withLock { state in
                state.running -= 1
                return state.claimShutdown()
            }
        }

        /// Marks the client replaced; returns true when it is idle (time to shut it down).
        func retire() -> Bool {
            state.withLock { state in
                state.retired = true
                return state.claimShutdown()
            }
        }

        var isIdle: Bool { state.withLock { $0.running == 0 } }

        /// Shuts the client down unless that has begun already.
        func shutDownNow() async {
            let claimed = state.withLock { state in
                defer { state.shutDown = true }
                return !state.shutDown
            }
            if claimed { try? await client.shutdown() }
        }

        /// Shuts down a client whose shutdown was claimed by `end()` or `retire()`.
        func shutDownClaimed() async {
            try? await client.shutdown()
        }
    }

    let configuration: HTTPClient.Configuration
    /// For hosts written as addresses: nothing to resolve, so nothing to pin.
    let literal: HTTPClient
    /// Host names kept pinned before the least recently used idle ones are dropped.
    let capacity: Int
    private let state = Mutex<(pins: [String: Pin], lastUse: [String: UInt64], tick: UInt64, retired: [Pin])>(([:], [:], 0, []))

    init(configuration: HTTPClient.Configuration, capacity: Int = 512) {
        self.configuration = configuration
        self.capacity = capacity
        literal = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` with the client for `host`, connecting to `address` when `host` is a name.
    func withClient<T>(host: String, address: IPAddress, _ body: (HTTPClient) async throws -> T) async throws -> T {
        if IPAddress(host.trimmingCharacters(in: ["[", "]"])) != nil { return try await body(literal) }
        let pin = lease(host: host, address: address.description)
        defer {
            if pin.end() { retireLater(pin) }
        }
        return try await body(pin.client)
    }

    /// The pin for `host` at `address` with a request begun on it, replacing a pin to another address.
    private func lease(host: String, address: String) -> Pin {
        var toShutDown: [Pin] = []
        let pin = state.withLock { state -> Pin in
            state.tick += 1
            state.lastUse[host] = state.tick
            if let existing = state.pins[host], existing.address == address {
                existing.begin()
                return existing
            }
            var configuration = configuration
            configuration.dnsOverride = [host: address]
            let pin = Pin(address: address, client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
            pin.begin()
            if let replaced = state.pins.updateValue(pin, forKey: host) {
                state.retired.append(replaced)
                if replaced.retire() { toShutDown.append(replaced) }
            }
            if state.pins.count > capacity {
                let idle = state.pins.filter { $0.value.isIdle }.keys.sorted { state.lastUse[$0, default: 0] < state.lastUse[$1, default: 0] }
                for name in idle.prefix(state.pins.count - capacity) {
                    guard let dropped = state.pins.removeValue(forKey: name) else { continue }
                    state.lastUse[name] = nil
                    state.retired.append(dropped)
                    if dropped.retire() { toShutDown.append(dropped) }
                }
            }
            return pin
        }
        for pin in toShutDown { retireLater(pin) }
        return pin
    }

    /// Shuts a retired, idle client down in the background and forgets it.
    private func retireLater(_ pin: Pin) {
        Task {
            await pin.shutDownClaimed()
            state.withLock { $0.retired.removeAll { $0 === pin } }
        }
    }

    /// Shuts every client down; call once when the node stops.
    func shutdown() async throws {
        let all = state.withLock { state in
            defer { state.pins = [:] }
            return Array(state.pins.values) + state.retired
        }
        for pin in all { await pin.shutDownNow() }
        try await literal.shutdown()
    }
}
