import CivicModel
import CivicNode
import CivicTesting
import Foundation
import Testing

@Suite("Node-wide and per-field feeds", .liveNodes)
struct NodeFeedTests {
    @Test("The node's calendar and Atom feeds list every organisation, per-field feeds only that field")
    func feeds() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            try await node.organization("beta")
            var youth = EventTests.hybrid("Youth assembly")
            youth.fieldsOfWork = ["youth"]
            var climate = EventTests.hybrid("Climate camp")
            climate.fieldsOfWork = ["climate"]
            try await EventUseCase(node: node.node).publish(name: "alpha", draft: youth)
            try await EventUseCase(node: node.node).publish(name: "beta", draft: climate)
            var report = ArticleTests.call()
            report.kind = .experienceReport
            report.funding = nil
            report.title = "Lessons from youth councils"
            report.fieldsOfWork = ["youth"]
            try await ArticleUseCase(node: node.node).publish(name: "beta", draft: report)

            let all = try await HTTPTestClient.send(.GET, "\(node.base)/feeds/events.ics").text
            #expect(all.contains("SUMMARY:Youth assembly") && all.contains("SUMMARY:Climate camp"))
            let youthOnly = try await HTTPTestClient.send(.GET, "\(node.base)/feeds/fields/youth/events.ics").text
            #expect(youthOnly.contains("SUMMARY:Youth assembly") && !youthOnly.contains("Climate camp"))
            #expect(youthOnly.contains("X-WR-CALNAME:CivicHub \(node.node.uris.authority) · Youth"))

            let news = try await HTTPTestClient.send(.GET, "\(node.base)/feeds/fields/youth/news.atom")
            #expect(news.status == 200)
            #expect(news.text.contains("<title>Lessons from youth councils</title>"))
            // The feed's id and self link are its canonical URL, however the path was spelt.
            for spelling in ["/feeds/fields/youth/news.atom", "//feeds//fields/youth/news.atom", "/feeds/fields/youth/news.atom/"] {
                let text = try await HTTPTestClient.send(.GET, "\(node.base)\(spelling)").text
                #expect(text.contains("<id>\(node.base)/feeds/fields/youth/news.atom</id>"), "\(spelling)")
            }
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/feeds/fields/climate/news.atom").text.contains("<entry>") == false)
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/feeds/fields/astrology/events.ics").status == 404)
            await #expect(throws: DomainError.self) {
                var bad = EventTests.hybrid()
                bad.fieldsOfWork = ["astrology"]
                try await EventUseCase(node: node.node).publish(name: "alpha", draft: bad)
            }
        }
    }
}
