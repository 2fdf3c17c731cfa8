import CivicModel
import CivicNode
import CivicStore
import CivicTesting
import CivicVocabulary
import Foundation
import GRDB
import Testing

@Suite("A follower's node ends with exactly the publisher's live content", .serialized, .liveNodes)
struct ContentSetTests {
    @Test("One of each kind published, one updated, one deleted: the follower holds exactly the live set, every proof verified")
    func exactSet() async throws {
        try await withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])

            let news = try await NewsUseCase(node: home.node).publish(name: "alpha", text: "News")
            let event = try await EventUseCase(node: home.node).publish(name: "alpha", draft: EventTests.hybrid())
            var report = ArticleTests.call()
            report.kind = .experienceReport
            report.funding = nil
            let reportID = try await ArticleUseCase(node: home.node).publish(name: "alpha", draft: report)
            var guide = report
            guide.kind = .strategyGuide
            let guideID = try await ArticleUseCase(node: home.node).publish(name: "alpha", draft: guide)
            let call = try await ArticleUseCase(node: home.node).publish(
                name: "alpha", draft: ArticleTests.call(deadline: Date().addingTimeInterval(86_400)))
            try await NewsUseCase(node: home.node).update(name: "alpha", objectID: news, text: "News, corrected")
            try await ArticleUseCase(node: home.node).delete(name: "alpha", objectID: guideID)
            try await network.waitUntilQuiet()

            let held = try await follower.database.writer.read { db in
                try ObjectRecord.filter(Column("attributedTo") == alpha.id).fetchAll(db)
            }
            #expect(Set(held.map(\.id)) == [news, event, reportID, call])
            #expect(held.allSatisfy { $0.proofVerificationMethod == "\(alpha.id)#ed25519-key" })
            let corrected = try #require(held.first { $0.id == news })
            #expect(try JSONParser().parse(corrected.document)["content"]?.stringValue == "<p>News, corrected</p>")

            // The follower's node shows what it holds: the discovery feeds list the live set.
            let atom = try await HTTPTestClient.send(.GET, "\(follower.base)/feeds/discover/news.atom").text
            #expect([news, reportID, call].allSatisfy { atom.contains("<id>\($0)</id>") })
            #expect(!atom.contains(guideID))
            let calendar = try await HTTPTestClient.send(.GET, "\(follower.base)/feeds/discover/events.ics").text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(calendar.contains("UID:\(event)"))
            #expect(try await HTTPTestClient.send(.GET, "\(follower.base)/feeds/news.atom").text.contains(news) == false)
        }
    }
}
