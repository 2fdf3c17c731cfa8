import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// News: a public `Note` by an organisation, sent to its followers in a `Create`, changed with an
/// `Update`, removed with a `Delete` (a `Tombstone` stays).
package struct NewsUseCase: Sendable {
    let node: Node
    /// News longer than this is refused (Mastodon's default is 500 characters; news may be longer).
    package static let maxLength = 5000

    package init(node: Node) {
        self.node = node
    }

    /// Publishes `text` as news of organisation `name`; returns the object id.
    @discardableResult
    package func publish(name: String, text: String) async throws -> String {
        let author = try await ActorUseCase(node: node).localActor(named: name)
        let trimmed = try validated(text)
        guard let followers = author.followers else {
            throw DomainError.invalid(field: "org", reason: "\(name) has no followers collection")
        }
        let publication = Publication(node: node)
        let note = ActivityDocuments.note(
            id: publication.newObjectID(), actor: author.id, followers: followers, html: PlainText.html(trimmed),
            published: Timestamp.string(node.clock.now))
        return try await publication.publish(note, by: author)
    }

    /// Replaces the text of a news item; followers get an `Update` with the new, newly signed Note.
    package func update(name: String, objectID: String, text: String) async throws {
        let html = PlainText.html(try validated(text))
        try await Publication(node: node).update(name: name, objectID: objectID, type: "Note") { members in
            members["content"] = .string(html)
        }
    }

    /// Deletes a news item: it is served as a `Tombstone` (410 Gone) and followers get a `Delete`.
    package func delete(name: String, objectID: String) async throws {
        try await Publication(node: node).delete(name: name, objectID: objectID, type: "Note")
    }

    /// What the Atom feed of organisation `name` lists: its news and articles (deleted items
    /// excluded), newest first, as stored documents.
    package func feed(of name: String, limit: Int = 50) async throws -> (ActorProfile, [JSONValue]) {
        let author = try await ActorUseCase(node: node).localActor(named: name)
        let records = try await node.database.objects(attributedTo: author.id, types: ["Note", "Article"], limit: limit)
        return (author, try records.map { try JSONParser(limits: .stored).parse($0.document) })
    }

    func validated(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.invalid(field: "content", reason: "must not be empty") }
        guard trimmed.limitLength <= Self.maxLength else {
            throw DomainError.invalid(field: "content", reason: "must be at most \(Self.maxLength) characters")
        }
        return trimmed
    }
}
