import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Reports, guides and funding calls", .serialized)
struct ArticleTests {
    static let now = Date(timeIntervalSince1970: 1_795_726_800)

    static func call(deadline: Date = now.addingTimeInterval(30 * 86_400)) -> ArticleDraft {
        ArticleDraft(
            kind: .fundingCall, title: "Small grants for local democracy labs", summary: "Up to 20,000 EUR for civic labs.",
            content: "Who can apply: registered CSOs.\n\nHow: online form.", language: "en",
            fieldsOfWork: ["democracy-participation", "civic-tech"],
            funding: .init(deadline: deadline, minAmount: 5000, maxAmount: 20_000, currency: "EUR", eligibility: "Registered CSOs in the EU",
                           applicationURL: "https://funder.example/apply", funder: "Example Foundation"))
    }

    static var invalid: [(String, ArticleDraft)] {
        var unknownField = call(); unknownField.fieldsOfWork = ["astrology"]
        var pastDeadline = call(deadline: now.addingTimeInterval(-60))
        var tooLong = call(); tooLong.content = String(repeating: "x", count: 50_001)
        var badLanguage = call(); badLanguage.language = "xx"
        var underscore = call(); underscore.language = "en_US"
        var inverted = call(); inverted.funding?.minAmount = 30_000
        var badCurrency = call(); badCurrency.funding?.currency = "EURO"
        var reportWithFunding = call(); reportWithFunding.kind = .experienceReport
        var callWithoutFunding = call(); callWithoutFunding.funding = nil
        var badURL = call(); badURL.funding?.applicationURL = "javascript:alert(1)"
        pastDeadline.title = "Past"
        return [
            ("fieldsOfWork", unknownField), ("funding.deadline", pastDeadline), ("content", tooLong), ("language", badLanguage),
            ("language", underscore), ("funding.maxAmount", inverted), ("funding.currency", badCurrency), ("funding", reportWithFunding),
            ("funding", callWithoutFunding), ("funding.applicationURL", badURL),
        ]
    }

    @Test("Invalid articles are refused with the field named")
    func refusals() {
        let known = Set(FieldOfWork.all.map(\.id))
        #expect(throws: Never.self) { try Self.call().validate(now: Self.now, knownFields: known) }
        for (field, draft) in Self.invalid {
            do {
                try draft.validate(now: Self.now, knownFields: known)
                Issue.record("accepted an invalid \(field)")
            } catch {
                #expect(error.code == "invalid.\(field)", "\(error)")
            }
        }
        for tag in ["de", "fr-BE", "sr-Latn-RS", "es-419"] {
            var draft = Self.call()
            draft.language = tag
            #expect(throws: Never.self) { try draft.validate(now: Self.now, knownFields: known) }
        }
    }

    @Test("A funding call federates with its kind, fields of work, hashtags and funding block, and appears in the Atom feed")
    func federation() async throws {
        try await withTestNetwork(count: 2) { network in
            let (home, follower) = (network.nodes[0], network.nodes[1])
            try await home.organization("alpha")
            try await follower.organization("beta")
            try await FollowUseCase(node: follower.node).follow(from: "beta", handle: home.handle("alpha"))
            try await network.waitUntilQuiet()

            let id = try await ArticleUseCase(node: home.node).publish(name: "alpha", draft: Self.call(deadline: Date().addingTimeInterval(86_400)))
            try await network.waitUntilQuiet()

            let stored = try #require(try await follower.database.object(id: id))
            #expect(stored.type == "Article")
            let article = try JSONParser().parse(stored.document)
            #expect(article["kind"]?.stringValue == "fundingCall")
            #expect(article["fieldOfWork"]?.iris == [
                "https://w3id.org/civichub/ns#field/democracy-participation", "https://w3id.org/civichub/ns#field/civic-tech",
            ])
            #expect(article["tag"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["#DemocracyParticipation", "#CivicTechOpenData"])
            #expect(article["funding"]?["currency"]?.stringValue == "EUR")
            #expect(article["funding"]?["maxAmount"]?.numberValue == 20_000)
            #expect(article["contentMap"]?["en"]?.stringValue == "<p>Who can apply: registered CSOs.</p><p>How: online form.</p>")

            let feed = try await HTTPTestClient.send(.GET, "\(home.base)/actors/alpha/feed.atom")
            #expect(feed.text.contains("<title>Small grants for local democracy labs</title>"))
        }
    }

    @Test("The published taxonomy and JSON-LD context equal what the node uses, and the context is served")
    func publishedFiles() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let taxonomy = try JSONParser(limits: .stored).parse(Data(contentsOf: root.appendingPathComponent("Federation/taxonomy/fields-of-work.json")))
        let fields = try #require(taxonomy["fields"]?.arrayValue)
        #expect(fields.count == FieldOfWork.all.count)
        for (entry, field) in zip(fields, FieldOfWork.all) {
            #expect(entry["id"]?.stringValue == field.id)
            #expect(entry["iri"]?.stringValue == field.iri)
            #expect(entry["labels"]?.objectValue?.compactMapValues(\.stringValue) == field.labels)
            #expect(["en", "de", "fr"].allSatisfy { field.labels[$0] != nil })
        }
        #expect((20...40).contains(FieldOfWork.all.count))
        let context = try JSONParser(limits: .stored).parse(Data(contentsOf: root.appendingPathComponent("Federation/civic-context.jsonld")))
        #expect(context == CivicContext.document)

        try await withTestNetwork(count: 1) { network in
            let served = try await HTTPTestClient.getJSON("\(network.nodes[0].base)/ns/civic", accept: "application/ld+json")
            #expect(served == CivicContext.document)
        }
    }
}
