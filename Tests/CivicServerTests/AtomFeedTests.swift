import CivicNode
import CivicTesting
import Foundation
import Testing

@Suite("Atom feed of an organisation's news", .liveNodes)
struct AtomFeedTests {
    @Test("The feed is well-formed Atom with the required elements, escapes content and leaves out deleted news")
    func feed() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            let news = NewsUseCase(node: node.node)
            let kept = try await news.publish(name: "alpha", text: "Funding call for <civic> tech & more\n\nDetails follow.")
            let deleted = try await news.publish(name: "alpha", text: "Withdrawn")
            try await news.delete(name: "alpha", objectID: deleted)

            let response = try await HTTPTestClient.send(.GET, "\(node.base)/actors/alpha/feed.atom")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/atom+xml") == true)

            let script = """
                import sys, json, xml.etree.ElementTree as ET
                ns = {"a": "http://www.w3.org/2005/Atom"}
                root = ET.fromstring(sys.stdin.buffer.read())
                assert root.tag == "{http://www.w3.org/2005/Atom}feed"
                for required in ["a:id", "a:title", "a:updated", "a:author/a:name"]:
                    assert root.find(required, ns) is not None, required
                entries = []
                for entry in root.findall("a:entry", ns):
                    for required in ["a:id", "a:title", "a:updated", "a:published", "a:link", "a:content"]:
                        assert entry.find(required, ns) is not None, required
                    entries.append({"id": entry.find("a:id", ns).text, "title": entry.find("a:title", ns).text,
                                    "content": entry.find("a:content", ns).text})
                print(json.dumps(entries))
                """
            let result = try await runProcess("/usr/bin/env", ["python3", "-c", script], input: response.body)
            #expect(result.status == 0, "\(response.text) \(result.errorText)")
            let entries = try JSONSerialization.jsonObject(with: result.output) as? [[String: String]] ?? []
            #expect(entries.map { $0["id"] } == [kept])
            #expect(entries.first?["title"] == "Funding call for <civic> tech & more")
            #expect(entries.first?["content"] == "<p>Funding call for &lt;civic&gt; tech &amp; more</p><p>Details follow.</p>")
        }
    }
}
