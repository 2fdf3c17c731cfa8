import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Reports, guides and funding calls", .serialized, .liveNodes)
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
        var badTranslationTag = call(); badTranslationTag.translations = ["klingon": .init(title: "t", content: "c")]
        var ownLanguage = call(); ownLanguage.translations = ["en": .init(title: "t", content: "c")]
        var emptyTranslation = call(); emptyTranslation.translations = ["de": .init(title: "Kleine Zuschüsse", content: " ")]
        var tooMany = call()
        tooMany.translations = Dictionary(uniqueKeysWithValues: ["de", "fr", "it", "es", "pl", "nl", "pt", "cs", "sk", "sl", "hu"].map {
            ($0, ArticleDraft.Translation(title: "t", content: "c"))
        })
        return [
            ("translations", badTranslationTag), ("translations", ownLanguage), ("translations.de.content", emptyTranslation),
            ("translations", tooMany),
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
        // Letters and digits outside ASCII are not subtags, though Swift calls them upper case or numbers.
        for tag in ["de-Латн", "en-½½½", "en-١٢٣", "sr-ℒatn", "de-ＣＨ", "de-latn", "de-CHE", "xx", "de-CH-1996-x"] {
            #expect(!ArticleDraft.isKnownLanguageTag(tag), "\(tag)")
        }
    }

    @Test("A funding call federates with its kind, fields of work, hashtags and funding block, and appears in the Atom feed")
    func federation() async throws {
        try await withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])

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

    @Test("An article in several languages federates with nameMap, summaryMap and contentMap; remote maps are sanitised")
    func languages() async throws {
        try await withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])

            var guide = ArticleDraft(
                kind: .strategyGuide, title: "Winning local campaigns", summary: "A guide <for> organisers.",
                content: "Start with one street.", language: "en", fieldsOfWork: ["democracy-participation"], funding: nil)
            guide.translations = [
                "de": .init(title: "Lokale Kampagnen gewinnen", summary: "Ein Leitfaden.", content: "Beginnt mit einer Straße."),
                "fr-BE": .init(title: "Gagner des campagnes locales", content: "Commencez par une rue."),
            ]
            let id = try await ArticleUseCase(node: home.node).publish(name: "alpha", draft: guide)
            try await network.waitUntilQuiet()

            let article = try JSONParser().parse(try #require(try await follower.database.object(id: id)).document)
            #expect(article["name"]?.stringValue == "Winning local campaigns")
            #expect(article["content"]?.stringValue == "<p>Start with one street.</p>")
            #expect(article["summary"]?.stringValue == "A guide &lt;for&gt; organisers.")
            #expect(article["nameMap"]?.objectValue == [
                "en": "Winning local campaigns", "de": "Lokale Kampagnen gewinnen", "fr-BE": "Gagner des campagnes locales",
            ])
            #expect(article["contentMap"]?["de"]?.stringValue == "<p>Beginnt mit einer Straße.</p>")
            #expect(article["contentMap"]?["fr-BE"]?.stringValue == "<p>Commencez par une rue.</p>")
            #expect(article["summaryMap"]?.objectValue == ["en": "A guide &lt;for&gt; organisers.", "de": "Ein Leitfaden."])

            // A remote author's maps are sanitised like its content.
            let gamma = try await follower.organization("gamma")
            let hostile: JSONValue = [
                "@context": .string(AS.context), "id": .string("\(gamma.id)/activities/hostile"), "type": "Create", "actor": .string(gamma.id),
                "to": [.string(AS.publicCollection)],
                "object": [
                    "id": .string("\(follower.base)/objects/hostile-guide"), "type": "Article", "attributedTo": .string(gamma.id),
                    "to": [.string(AS.publicCollection)], "name": "Guide", "content": "<p>ok</p>",
                    "contentMap": ["en": "<p>ok</p>", "de": "<p onclick=\"steal()\">hallo<script>alert(1)</script></p>", "xx": 5],
                    "summaryMap": ["de": "<img src=x onerror=alert(1)>Zusammenfassung"],
                ],
            ]
            let post = try await SignedPost.make(to: "\(home.base)/inbox", body: CanonicalJSON.encode(hostile), as: gamma.id, of: follower)
            #expect(try await post.send().status == 202)
            try await network.waitUntilQuiet()
            let stored = try JSONParser().parse(try #require(try await home.database.object(id: "\(follower.base)/objects/hostile-guide")).document)
            #expect(stored["contentMap"]?["de"]?.stringValue == "<p>hallo</p>")
            #expect(stored["contentMap"]?["xx"] == nil)
            #expect(stored["summaryMap"]?["de"]?.stringValue == "Zusammenfassung")
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
