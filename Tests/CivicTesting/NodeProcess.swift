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

    /// Runs a one-shot CLI command on `dataDirectory` and returns its standard output.
    @discardableResult
    package static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw UnexpectedStatus(status: Int(process.terminationStatus), body: text) }
        return text
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
    package func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait for the graceful shutdown.
    package func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
