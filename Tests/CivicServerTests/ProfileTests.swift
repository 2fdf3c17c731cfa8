import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Organisation profiles", .serialized, .liveNodes)
struct ProfileTests {
    static let profile = OrganizationProfileDraft(
        displayName: "Alpha – Civic Lab e.V.", mission: "We open up local democracy <for everyone>.",
        fieldsOfWork: ["democracy-participation", "digital-rights"], country: "DE", languages: ["de", "en"],
        website: "https://alpha.example", contact: "hello@alpha.example", donationURL: "https://alpha.example/donate")

    @Test("A profile change is served and reaches followers as an Update of the actor")
    func update() async throws {
        try await withFollowedAlpha { network, alpha in
            let (home, follower) = (network.nodes[0], network.nodes[1])

            try await ProfileUseCase(node: home.node).update(name: "alpha", profile: Self.profile)
            try await network.waitUntilQuiet()

            let served = try await HTTPTestClient.getJSON(alpha.id)
            #expect(served["name"]?.stringValue == "Alpha – Civic Lab e.V.")
            #expect(served["summary"]?.stringValue == "<p>We open up local democracy &lt;for everyone&gt;.</p>")
            #expect(served["fieldOfWork"]?.iris.count == 2)
            #expect(served["tag"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["#DemocracyParticipation", "#DigitalRights"])
            let attachments = served["attachment"]?.arrayValue ?? []
            #expect(attachments.contains { $0["name"]?.stringValue == "Country" && $0["value"]?.stringValue == "DE" })
            #expect(attachments.contains { $0["type"]?.stringValue == "Link" && $0["rel"]?.iris == ["payment"] && $0["href"]?.stringValue == "https://alpha.example/donate" })
            #expect(served["publicKey"]?["id"]?.stringValue == "\(alpha.id)#main-key")

            let copy = try #require(try await follower.database.actor(id: alpha.id))
            #expect(copy.name == "Alpha – Civic Lab e.V.")
            #expect(copy.publicKeyPem == alpha.publicKeyPEM)
        }
    }

    @Test("Invalid profiles are refused with the field named")
    func refusals() {
        let known = Set(FieldOfWork.all.map(\.id))
        let cases: [(String, OrganizationProfileDraft)] = [
            ("fieldsOfWork", .init(fieldsOfWork: ["knitting"])), ("country", .init(country: "Germany")),
            ("languages", .init(languages: ["klingon"])), ("website", .init(website: "ftp://alpha.example")),
            ("donationURL", .init(donationURL: "javascript:alert(1)")), ("mission", .init(mission: String(repeating: "m", count: 5001))),
        ]
        for (field, draft) in cases {
            do {
                try draft.validate(knownFields: known)
                Issue.record("accepted an invalid \(field)")
            } catch {
                #expect(error.code == "invalid.\(field)")
            }
        }
        // Links: the message says what is wrong with them.
        for (website, problem) in [
            ("https://user:secret@alpha.example/", "userinfo"), ("https://alpha.example/a b", "white space or control"),
            ("https://alpha.example/\u{85}", "white space or control"), ("https://alpha.example/" + String(repeating: "p", count: 2048), "2048 bytes"),
            ("ftp://alpha.example/", "not an http(s) URL"),
        ] {
            do {
                try OrganizationProfileDraft(website: website).validate(knownFields: known)
                Issue.record("accepted \(website.prefix(60))")
            } catch {
                #expect(error.message.contains(problem), "\(error.message)")
            }
        }
        #expect(throws: Never.self) { try OrganizationProfileDraft(website: "https://alpha.example/über?q=1#x").validate(knownFields: known) }
    }
}
