import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

/// The example documents in `Federation/examples/` (referenced from FEDERATION.md) are what the
/// node really sends: each kind is published and compared with its file, after ids, times, keys
/// and proof values are replaced with stable placeholders. Set `CIVICHUB_WRITE_EXAMPLES=1` to
/// rewrite the files after an intended change.
@Suite("Golden example documents of every kind", .serialized, .liveNodes)
struct GoldenExampleTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Federation/examples")

    /// Replaces what differs between runs.
    static func normalized(_ value: JSONValue, base: String) -> JSONValue {
        switch value {
        case .string(let text):
            var result = text.replacingOccurrences(of: base, with: "https://hub.example")
            for kind in ["objects", "activities"] {
                if let range = result.range(of: "/\(kind)/[0-9a-f-]{36}", options: .regularExpression) {
                    result.replaceSubrange(range, with: "/\(kind)/ID")
                }
            }
            if result.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"#, options: .regularExpression) != nil,
               !result.hasPrefix("2030-")
            {
                return "DATE"
            }
            return .string(result)
        case .array(let elements):
            return .array(elements.map { normalized($0, base: base) })
        case .object(var members):
            if members["proofValue"] != nil { members["proofValue"] = "PROOF" }
            if members["publicKeyPem"] != nil { members["publicKeyPem"] = "PEM" }
            if members["publicKeyMultibase"] != nil { members["publicKeyMultibase"] = "MULTIBASE" }
            return .object(members.mapValues { normalized($0, base: base) })
        default:
            return value
        }
    }

    static func check(_ name: String, _ document: JSONValue, base: String) throws {
        let actual = normalized(document, base: base)
        let file = examples.appendingPathComponent("\(name).json")
        if ProcessInfo.processInfo.environment["CIVICHUB_WRITE_EXAMPLES"] == "1" {
            try Data((CanonicalJSON.string(actual) + "\n").utf8).write(to: file)
        }
        let expected = try JSONParser(limits: .stored).parse(Data(contentsOf: file))
        #expect(actual == expected, "\(name): \(CanonicalJSON.string(actual))")
    }

    @Test("Organisation, news, event, report and funding call match Federation/examples")
    func examplesMatch() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            try await ProfileUseCase(node: node.node).update(name: "alpha", profile: ProfileTests.profile)
            try Self.check("organization", try await HTTPTestClient.getJSON(alpha.id), base: node.base)

            let note = try await NewsUseCase(node: node.node).publish(name: "alpha", text: "Call for partners: civic tech for local democracy.")
            try Self.check("news-note", try await HTTPTestClient.getJSON(note), base: node.base)
            let outbox = try await HTTPTestClient.getJSON("\(alpha.id)/outbox?page=1")
            let create = try #require(outbox["orderedItems"]?.arrayValue?.first)
            try Self.check("news-create", create, base: node.base)

            var event = EventTests.hybrid()
            event.startTime = Date(timeIntervalSince1970: 1_922_374_800)  // 2030-12-01T17:00:00Z
            event.endTime = event.startTime.addingTimeInterval(3 * 3600)
            event.maximumAttendeeCapacity = 40
            let eventID = try await EventUseCase(node: node.node).publish(name: "alpha", draft: event)
            try Self.check("event", try await HTTPTestClient.getJSON(eventID), base: node.base)

            var report = ArticleTests.call()
            report.kind = .experienceReport
            report.title = "What we learned running citizen assemblies"
            report.funding = nil
            report.translations = [
                "de": .init(
                    title: "Was wir aus Bürgerräten gelernt haben", summary: "Drei Lehren aus zwei Jahren.",
                    content: "Wer mitmachen kann: alle.\n\nWie: per Los."),
            ]
            let reportID = try await ArticleUseCase(node: node.node).publish(name: "alpha", draft: report)
            try Self.check("experience-report", try await HTTPTestClient.getJSON(reportID), base: node.base)

            let call = ArticleTests.call(deadline: Date(timeIntervalSince1970: 1_924_991_940))  // 2030-12-31T23:59:00Z
            let callID = try await ArticleUseCase(node: node.node).publish(name: "alpha", draft: call)
            try Self.check("funding-call", try await HTTPTestClient.getJSON(callID), base: node.base)
        }
    }
}
