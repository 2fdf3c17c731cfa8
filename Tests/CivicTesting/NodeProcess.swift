import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `civichub` binary run as a child process, for tests that must kill a node the hard
/// way (`kill -9`) and start it again on the same data.
package final class NodeProcess: @unchecked Sendable {
    package let port: Int
    package let dataDirectory: String
    private let process: Process

    package var base: String { "http://127.0.0.1:\(port)" }

    /// The `civichub` executable next to the test bundle (`swift build --build-tests` builds both).
    package static var executable: String {
        get throws {
            let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let path = directory.appendingPathComponent("civichub").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw TestTimeout(what: "the civichub binary at \(path); run 'swift build --build-tests' first")
            }
            return path
        }
    }

    /// Runs a one-shot CLI command and returns what it printed (standard output and error).
    @discardableResult
    package static func run(_ arguments: [String]) async throws -> String {
        let result = try await runProcess(try executable, arguments, mergingErrors: true)
        guard result.status == 0 else { throw UnexpectedStatus(status: Int(result.status), body: result.outputText) }
        return result.outputText
    }

    /// Starts `civichub serve` and waits until it answers HTTP.
    package static func start(dataDirectory: String, port: Int) async throws -> NodeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable)
        process.arguments = [
            "serve", "--data", dataDirectory, "--host", "127.0.0.1", "--port", String(port),
            "--allowed-private-addresses", "127.0.0.1/32", "--log-level", "warning",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let node = NodeProcess(port: port, dataDirectory: dataDirectory, process: process)
        try await waitUntil(timeout: .seconds(30), "civichub on port \(port) to answer") {
            guard process.isRunning else { throw TestTimeout(what: "civichub serve, which exited with \(process.terminationStatus)") }
            // Listening first (a plain connect fails at once), so that the HTTP client is never left
            // retrying a port that nothing listens on yet.
            guard let socket = try? connectTCP(host: "127.0.0.1", port: port) else { return false }
            close(socket)
            do {
                return try await HTTPTestClient.send(.GET, "\(node.base)/.well-known/nodeinfo").status == 200
            } catch {
                return false
            }
        }
        return node
    }

    private init(port: Int, dataDirectory: String, process: Process) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.process = process
    }

    /// SIGKILL: no graceful shutdown, no flush, like a power cut.
    package func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        await offThePool { [process] in process.waitUntilExit() }
    }

    /// SIGTERM and wait for the graceful shutdown.
    package func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        await offThePool { [process] in process.waitUntilExit() }
    }

    /// SIGTERM without waiting, for `defer` blocks, which cannot wait.
    package func terminate() {
        if process.isRunning { process.terminate() }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
