import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// An organisation's public profile: mission, fields of work (FEP-fb2a profile fields, hashtags,
/// `civic:fieldOfWork`), country, languages, website, contact and donation link (FEP-0ea0).
/// A change is sent to followers as an `Update` of the actor.
package struct ProfileUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// Replaces the profile of organisation `name`.
    package func update(name: String, profile: OrganizationProfileDraft) async throws {
        try profile.validate(knownFields: Set(FieldOfWork.all.map(\.id)))
        guard let record = try await node.database.localActor(named: name), case .object(var members) = try JSONParser(limits: .stored).parse(record.document)
        else {
            throw DomainError.notFound("actor.notFound", "no organisation named \"\(name)\" on this node")
        }
        let fields = profile.fieldsOfWork.compactMap(FieldOfWork.named)
        let displayName = profile.displayName ?? record.name
        members["name"] = displayName.map(JSONValue.string)
        members["summary"] = profile.mission.map { .string(PlainText.html($0)) }
        members["fieldOfWork"] = fields.isEmpty ? nil : .array(fields.map { .string($0.iri) })
        members["tag"] = fields.isEmpty ? nil : .array(fields.map { ["type": "Hashtag", "name": .string($0.hashtag), "href": .string($0.iri)] })
        var attachments: [JSONValue] = []
        func field(_ label: String, _ value: String?) {
            guard let value else { return }
            attachments.append(["type": "PropertyValue", "name": .string(label), "value": .string(value)])
        }
        field("Website", profile.website.map { #"<a href="\#(PlainText.escape($0))" rel="me nofollow noopener noreferrer">\#(PlainText.escape($0))</a>"# })
        field("Country", profile.country)
        field("Languages", profile.languages.isEmpty ? nil : profile.languages.joined(separator: ", "))
        field("Contact", profile.contact.map(PlainText.escape))
        field("Fields of work", fields.isEmpty ? nil : fields.compactMap { $0.labels["en"] }.joined(separator: ", "))
        if let donation = profile.donationURL {
            attachments.append(["type": "Link", "name": "Donate", "href": .string(donation), "rel": ["payment"]])
        }
        members["attachment"] = attachments.isEmpty ? nil : .array(attachments)
        members["@context"] = profileContext
        let document = JSONValue.object(members)

        let outbox = Outbox(node: node)
        let update = ActivityDocuments.update(
            id: outbox.newActivityID(), actor: record.id, object: document, published: Timestamp.string(node.clock.now))
        let prepared = try await outbox.prepare(update, by: record.id, isPublic: true, to: try await node.database.followerInboxes(of: record.id))
        try await node.database.updateLocalActor(
            id: record.id, name: displayName, summary: profile.mission, document: CanonicalJSON.encode(document),
            activities: [prepared.activity], deliveries: prepared.deliveries)
        node.documents.invalidate("actor:\(name)")
        node.deliveries.wake.signal()
    }

    /// The actor context plus the civic and profile-field terms.
    private var profileContext: JSONValue {
        guard case .array(var parts) = ASMapper.actorContext else { return ASMapper.actorContext }
        parts.append(CivicContext.terms)
        parts.append(["schema": "http://schema.org#", "PropertyValue": "schema:PropertyValue", "value": "schema:value"])
        return .array(parts)
    }
}
