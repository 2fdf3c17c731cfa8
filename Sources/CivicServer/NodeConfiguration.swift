import CivicFederation
import CivicModel
import Foundation

/// The node's settings: documented defaults (`Config/civichub.conf`), overridden by a config
/// file, then by `CIVICHUB_*` environment variables, then by command-line flags. A wrong key or
/// value is refused with a message that names it.
package struct NodeConfiguration: Sendable, Equatable {
    package var host = "127.0.0.1"
    package var port = 8080
    /// The URL the world reaches the node at; defaults to `http://HOST:PORT`.
    package var publicURL: String?
    package var dataDirectory = "./data"
    package var federationMode = "open"
    /// Private address ranges outbound requests may reach anyway (tests and testbeds: loopback).
    package var allowedPrivateAddresses: [CIDR] = []
    package var logLevel = "info"
    /// Inbox POSTs a minute per client address; 0 turns the limit off.
    package var inboxRateLimit = 3000
    /// Inbox POSTs a minute per remote server (the verified signer's host); 0 turns it off.
    package var inboxHostRateLimit = 3000
    /// Admin API requests a minute per client address; 0 turns it off.
    package var apiRateLimit = 600
    /// Admin API requests with a wrong or missing token a minute per client address; past it the
    /// client's API requests get 429 until the allowance refills; 0 turns it off.
    package var apiAuthFailureLimit = 10
    /// Inbox requests being verified at once; beyond it the inbox answers 503; 0 turns it off.
    package var inboxMaxInFlight = 256
    /// Seconds a request body may take to arrive in full after its head; 0 turns the deadline off.
    package var requestBodyTimeout = 20
    /// Open connections per client address (IPv6: per /64), trusted proxies exempt; 0 turns the cap off.
    package var maxConnectionsPerAddress = 64
    /// (keyId, signature) pairs the replay memory holds; past it, signatures older than what it
    /// still holds are refused. Not optional: at least 1.
    package var replayMemory = 100_000
    /// Days finished inbox items and deliveries are kept before they are deleted; 0 keeps them.
    package var queueRetentionDays = 7
    /// What `queue_retention_days` (and `queue prune --days`) may be.
    package static let queueRetentionRange = 0...3650
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    package var trustedProxies: [CIDR] = [CIDR("127.0.0.1/32"), CIDR("::1/128")].compactMap { $0 }

    package init() {}

    /// Every key a file, the environment (as `CIVICHUB_` + upper case) or `--set` may name.
    package static let keys = [
        "host", "port", "public_url", "data_dir", "federation_mode", "allowed_private_addresses", "log_level", "inbox_rate_limit",
        "inbox_host_rate_limit", "api_rate_limit", "inbox_max_in_flight", "trusted_proxies", "request_body_timeout",
        "max_connections_per_address", "api_auth_failure_limit", "replay_memory", "queue_retention_days",
    ]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Loads defaults ← file ← environment ← overrides (already-parsed flags).
    package static func load(file: String?, environment: [String: String], overrides: [String: String]) throws -> NodeConfiguration {
        var configuration = NodeConfiguration()
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ConfigurationError("cannot read config file \(file)")
            }
            for (key, value) in try parseFile(text, name: file) { try configuration.set(key, value, source: file) }
        }
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix("CIVICHUB_") {
            let key = variable.dropFirst("CIVICHUB_".count).lowercased()
            guard keys.contains(key) else {
                throw ConfigurationError("unknown environment variable \(variable); known: \(keys.map { "CIVICHUB_" + $0.uppercased() }.joined(separator: ", "))")
            }
            try configuration.set(key, value, source: "environment variable \(variable)")
        }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) { try configuration.set(key, value, source: "command line") }
        return configuration
    }

    /// `key = value` lines; `#` starts a comment; blank lines are ignored.
    static func parseFile(_ text: String, name: String) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ConfigurationError("\(name):\(number + 1): expected 'key = value'")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard keys.contains(key) else {
                throw ConfigurationError("\(name):\(number + 1): unknown key '\(key)'; known keys: \(keys.joined(separator: ", "))")
            }
            pairs.append((key, value))
        }
        return pairs
    }

    /// Sets one key from text, validating it.
    package mutating func set(_ key: String, _ value: String, source: String) throws {
        func invalid(_ reason: String) -> ConfigurationError {
            ConfigurationError("\(key) (from \(source)): \(reason), got '\(value)'")
        }
        switch key {
        case "host":
            guard !value.isEmpty, !value.contains("/") else { throw invalid("must be an address to listen on") }
            host = value
        case "port":
            guard let number = Int(value), (0...65535).contains(number) else { throw invalid("must be a port number 0–65535") }
            port = number
        case "public_url":
            do { _ = try URIBuilder(publicURL: value) } catch { throw invalid("must be http(s)://host[:port] without a path") }
            publicURL = value
        case "data_dir":
            guard !value.isEmpty else { throw invalid("must be a directory") }
            dataDirectory = value
        case "federation_mode":
            guard value == "open" else {
                throw invalid(value == "peered" ? "'peered' needs peering, which this version does not have yet; use 'open'" : "must be 'open'")
            }
            federationMode = value
        case "allowed_private_addresses", "trusted_proxies":
            let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var ranges: [CIDR] = []
            for item in items {
                guard let range = CIDR(item) else { throw invalid("'\(item)' is not an address or CIDR range") }
                ranges.append(range)
            }
            if key == "trusted_proxies" { trustedProxies = ranges } else { allowedPrivateAddresses = ranges }
        case "request_body_timeout":
            guard let seconds = Int(value), (0...3600).contains(seconds) else { throw invalid("must be whole seconds 0–3600 (0: no deadline)") }
            requestBodyTimeout = seconds
        case "inbox_rate_limit", "inbox_host_rate_limit", "api_rate_limit", "inbox_max_in_flight", "max_connections_per_address",
             "api_auth_failure_limit":
            guard let number = Int(value), (0...1_000_000).contains(number) else { throw invalid("must be a whole number 0–1000000 (0: no limit)") }
            switch key {
            case "inbox_rate_limit": inboxRateLimit = number
            case "inbox_host_rate_limit": inboxHostRateLimit = number
            case "api_rate_limit": apiRateLimit = number
            case "max_connections_per_address": maxConnectionsPerAddress = number
            case "api_auth_failure_limit": apiAuthFailureLimit = number
            default: inboxMaxInFlight = number
            }
        case "replay_memory":
            guard let pairs = Int(value), (1...10_000_000).contains(pairs) else { throw invalid("must be a whole number 1–10000000") }
            replayMemory = pairs
        case "queue_retention_days":
            guard let days = Int(value), Self.queueRetentionRange.contains(days) else {
                throw invalid("must be whole days \(Self.queueRetentionRange.lowerBound)–\(Self.queueRetentionRange.upperBound) (0: keep finished rows)")
            }
            queueRetentionDays = days
        case "log_level":
            guard Self.logLevels.contains(value) else { throw invalid("must be one of \(Self.logLevels.joined(separator: ", "))") }
            logLevel = value
        default:
            throw ConfigurationError("unknown key '\(key)' (from \(source)); known keys: \(Self.keys.joined(separator: ", "))")
        }
    }

    /// The public URL, or `http://HOST:PORT` when none is set.
    package var effectivePublicURL: String {
        publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The SQLite file under the data directory.
    package var databasePath: String { dataDirectory.hasSuffix("/") ? dataDirectory + "civichub.sqlite" : dataDirectory + "/civichub.sqlite" }
}

/// A configuration refused at start, naming the key.
package struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}
