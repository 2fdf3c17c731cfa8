import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import LoopbackPorts
import Testing

@Suite("Online backup and restore", .serialized, .liveNodes)
struct BackupTests {
    @Test("A backup taken while the node runs restores into a node that serves the same content")
    func backupAndRestore() async throws {
        let dataA = temporaryDirectory()
        let port = try freePort()
        try await NodeProcess.run(["init", "--data", dataA, "--public-url", "http://127.0.0.1:\(port)"])
        try await NodeProcess.run(["org", "create", "alpha", "--data", dataA])
        var node = try await NodeProcess.start(dataDirectory: dataA, port: port)
        defer { node.terminate() }
        let news = try await NodeProcess.run(["post", "news", "--org", "alpha", "Backed up news", "--data", dataA])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let backup = temporaryDirectory() + "/civichub-backup.sqlite"
        #expect(try await NodeProcess.run(["backup", backup, "--data", dataA]).contains("backed up"))
        // News after the backup is not in it.
        let later = try await NodeProcess.run(["post", "news", "--org", "alpha", "After the backup", "--data", dataA])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        await node.stop()

        let dataB = temporaryDirectory()
        #expect(try await NodeProcess.run(["restore", backup, "--data", dataB]).contains("restored"))
        node = try await NodeProcess.start(dataDirectory: dataB, port: port)
        let served = try await HTTPTestClient.getJSON(news)
        #expect(served["content"]?.stringValue == "<p>Backed up news</p>")
        #expect(try await HTTPTestClient.send(.GET, later, headers: [("Accept", AS.activityJSON)]).status == 404)
        let actor = try await HTTPTestClient.getJSON("http://127.0.0.1:\(port)/actors/alpha")
        #expect(actor["preferredUsername"]?.stringValue == "alpha")
    }

    @Test("Backup and restore refuse to overwrite, and restore refuses files that are not intact CivicHub databases")
    func refusals() async throws {
        let data = temporaryDirectory()
        try await NodeProcess.run(["org", "create", "alpha", "--data", data])
        let existing = temporaryDirectory() + "/existing"
        try Data("x".utf8).write(to: URL(fileURLWithPath: existing))
        let garbage = temporaryDirectory() + "/garbage.sqlite"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) }).write(to: URL(fileURLWithPath: garbage))
        let empty = temporaryDirectory() + "/empty.sqlite"
        try Data().write(to: URL(fileURLWithPath: empty))
        let good = temporaryDirectory() + "/good.sqlite"
        try await NodeProcess.run(["backup", good, "--data", data])
        // A data directory holding only a leftover write-ahead log of an earlier database.
        let leftover = temporaryDirectory()
        try Data("wal".utf8).write(to: URL(fileURLWithPath: leftover + "/civichub.sqlite-wal"))
        for (arguments, message) in [
            (["backup", existing, "--data", data], "exists"),
            (["backup", temporaryDirectory() + "/b.sqlite", "--data", temporaryDirectory()], "no database"),
            (["restore", garbage, "--data", temporaryDirectory()], "not an intact CivicHub database"),
            (["restore", empty, "--data", temporaryDirectory()], "not an intact CivicHub database"),
            (["restore", garbage, "--data", data], "exists"),
            (["restore", "/nonexistent/backup.sqlite", "--data", temporaryDirectory()], "no backup"),
            (["restore", good, "--data", leftover], "civichub.sqlite-wal exists"),
        ] {
            do {
                try await NodeProcess.run(arguments)
                Issue.record("\(arguments) succeeded")
            } catch let error as UnexpectedStatus {
                #expect(error.body.contains(message), "\(arguments): \(error.body)")
            }
        }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "x")
        #expect(!FileManager.default.fileExists(atPath: leftover + "/civichub.sqlite"))
    }
}
