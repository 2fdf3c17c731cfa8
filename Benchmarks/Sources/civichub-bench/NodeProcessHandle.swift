import AsyncHTTPClient
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The node under test: the release `civichub` binary as a child process.
final class NodeProcessHandle: Sendable {
    let process: ChildProcess
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `civichub serve` and returns once it answers, with the time that took.
    ///
    /// The benchmark turns the rate limits off (one load generator on one address stands for a
    /// thousand servers) and leaves the node's errors on its own standard error; the soak keeps
    /// the default limits and passes `log`, which receives the node's output and log from `warning` up.
    static func start(
        binary: String, data: String, port: Int, defaultLimits: Bool = false, log: FileHandle? = nil
    ) async throws -> (NodeProcessHandle, Duration) {
        let arguments = [
            "serve", "--data", data, "--port", String(port), "--allowed-private-addresses", "127.0.0.1/32",
            "--log-level", log == nil ? "error" : "warning",
        ]
        var environment = ProcessInfo.processInfo.environment
        if !defaultLimits {
            environment.merge([
                "CIVICHUB_INBOX_RATE_LIMIT": "0", "CIVICHUB_INBOX_HOST_RATE_LIMIT": "0", "CIVICHUB_API_RATE_LIMIT": "0",
            ]) { _, new in new }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let node = NodeProcessHandle(
            process: try ChildProcess(binary, arguments, environment: environment, output: log?.fileDescriptor, errors: log?.fileDescriptor ?? 2),
            port: port)
        let probe = "\(node.base)/.well-known/nodeinfo"
        while true {
            guard node.process.isRunning else { throw BenchError("civichub exited during start") }
            var request = HTTPClientRequest(url: probe)
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)), response.status == .ok {
                return (node, clock.now - started)
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
    }

    /// Current and peak resident set size in MiB, from /proc.
    func memory() -> (rss: Double, peak: Double) {
        let status = (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)) ?? ""
        func value(_ key: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key) } ?? ""
            return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }

    /// CPU seconds (user + system) the node has used so far, from /proc/PID/stat.
    func cpuSeconds() -> Double {
        let stat = (try? String(contentsOfFile: "/proc/\(process.pid)/stat", encoding: .utf8)) ?? ""
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.wait()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Creates a node's data directory with `civichub init` and returns the first admin token.
func initDataDirectory(binary: String, data: String, port: Int) throws -> String {
    let output = try run(binary, ["init", "--data", data, "--public-url", "http://127.0.0.1:\(port)"])
    guard let token = output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.hasPrefix("chub_") }) else {
        throw BenchError("no admin token in: \(output)")
    }
    return token
}
