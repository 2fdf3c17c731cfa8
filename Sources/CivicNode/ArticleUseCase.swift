import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// Experience reports, best-practice and strategy guides, tool reviews and funding calls:
/// `Article`s with a `civic:kind`, published like news.
package struct ArticleUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// Publishes an article of organisation `name`; returns its id.
    @discardableResult
    package func publish(name: String, draft: ArticleDraft) async throws -> String {
        try draft.validate(now: node.clock.now, knownFields: Set(FieldOfWork.all.map(\.id)))
        let author = try await ActorUseCase(node: node).localActor(named: name)
        guard let followers = author.followers else {
            throw DomainError.invalid(field: "org", reason: "\(name) has no followers collection")
        }
        let publication = Publication(node: node)
        let document = ActivityDocuments.article(
            id: publication.newObjectID(), actor: author.id, followers: followers, kind: draft.kind.rawValue, language: draft.language,
            main: text(ArticleDraft.Translation(title: draft.title, summary: draft.summary, content: draft.content)),
            translations: draft.translations.mapValues(text), fields: draft.fieldsOfWork.compactMap(FieldOfWork.named), funding: draft.funding.map(fundingBlock),
            published: Timestamp.string(node.clock.now))
        return try await publication.publish(document, by: author)
    }

    /// Deletes an article (a `Tombstone` stays, served with 410).
    package func delete(name: String, objectID: String) async throws {
        try await Publication(node: node).delete(name: name, objectID: objectID, type: "Article")
    }

    /// The published form of one language's text: title trimmed, summary escaped, content as HTML paragraphs.
    private func text(_ translation: ArticleDraft.Translation) -> ActivityDocuments.ArticleText {
        ActivityDocuments.ArticleText(
            title: translation.title.trimmingCharacters(in: .whitespacesAndNewlines),
            summary: translation.summary.map { PlainText.escape($0.trimmingCharacters(in: .whitespacesAndNewlines)) },
            html: PlainText.html(translation.content))
    }

    private func fundingBlock(_ funding: ArticleDraft.Funding) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": "FundingDetails", "deadline": .string(Timestamp.string(funding.deadline)),
            "applicationURL": .string(funding.applicationURL),
        ]
        if let minAmount = funding.minAmount { members["minAmount"] = .number(minAmount) }
        if let maxAmount = funding.maxAmount { members["maxAmount"] = .number(maxAmount) }
        if let currency = funding.currency { members["currency"] = .string(currency) }
        if let eligibility = funding.eligibility { members["eligibility"] = .string(eligibility) }
        if let funder = funding.funder { members["funder"] = .string(funder) }
        return .object(members)
    }
}
