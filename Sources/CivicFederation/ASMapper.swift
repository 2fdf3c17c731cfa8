import CivicModel
import CivicVocabulary
import Foundation

/// Converts actors between ActivityStreams documents and domain values, in both directions.
/// The one place where actor JSON is read or written.
package enum ASMapper {
    /// The JSON-LD context of actor documents: AS2, security (publicKey), data integrity
    /// (proofs), the Mastodon extension terms, and the FEP-521a Multikey terms.
    package static let actorContext: JSONValue = [
        .string(AS.context), .string(AS.securityContext), .string(AS.dataIntegrityContext),
        [
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            // FEP-521a terms, spelled out: neither security/v1 nor data-integrity/v1 defines them
            // at the top level, and a strict JSON-LD processor would drop them otherwise.
            "assertionMethod": ["@id": "https://w3id.org/security#assertionMethod", "@type": "@id", "@container": "@set"],
            "Multikey": "https://w3id.org/security#Multikey",
            "controller": ["@id": "https://w3id.org/security#controller", "@type": "@id"],
            "publicKeyMultibase": ["@id": "https://w3id.org/security#publicKeyMultibase", "@type": "https://w3id.org/security#multibase"],
        ],
    ]

    /// What this node implements, listed on the instance actor (FEP-844e).
    static let implementations: JSONValue = [
        ["name": "ActivityPub", "href": "https://www.w3.org/TR/activitypub/"],
        ["name": "RFC 9421: HTTP Message Signatures", "href": "https://www.rfc-editor.org/rfc/rfc9421"],
        ["name": "draft-cavage-http-signatures-12", "href": "https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12"],
        ["name": "FEP-521a: Representing actor's public keys", "href": "https://w3id.org/fep/521a"],
        ["name": "FEP-d556: Server-Level Actor Discovery Using WebFinger", "href": "https://w3id.org/fep/d556"],
        ["name": "FEP-2677: Identifying the Application Actor", "href": "https://w3id.org/fep/2677"],
        ["name": "FEP-844e: Capability discovery", "href": "https://w3id.org/fep/844e"],
    ]

    /// The document a local actor serves, with its RSA key (Mastodon) and Ed25519 Multikey (FEP-521a).
    package static func document(for actor: ActorProfile, uris: URIBuilder, published: Date) -> JSONValue {
        var members: [String: JSONValue] = [
            "@context": actorContext,
            "id": .string(actor.id),
            "type": .string(actor.kind.rawValue),
            "preferredUsername": .string(actor.preferredUsername),
            "inbox": .string(actor.inbox),
            "manuallyApprovesFollowers": .bool(actor.manuallyApprovesFollowers),
            "discoverable": .bool(actor.discoverable),
            "indexable": .bool(actor.indexable),
            "published": .string(Timestamp.string(published)),
            "url": .string(actor.id),
        ]
        if let name = actor.name { members["name"] = .string(name) }
        if let summary = actor.summary { members["summary"] = .string(summary) }
        if let outbox = actor.outbox { members["outbox"] = .string(outbox) }
        if let followers = actor.followers { members["followers"] = .string(followers) }
        if let following = actor.following { members["following"] = .string(following) }
        if let sharedInbox = actor.sharedInbox { members["endpoints"] = ["sharedInbox": .string(sharedInbox)] }
        if let keyID = actor.publicKeyID, let pem = actor.publicKeyPEM {
            members["publicKey"] = ["id": .string(keyID), "owner": .string(actor.id), "publicKeyPem": .string(pem)]
        }
        if let keyID = actor.ed25519KeyID, let multibase = actor.ed25519Multibase {
            members["assertionMethod"] = [[
                "id": .string(keyID), "type": "Multikey", "controller": .string(actor.id),
                "publicKeyMultibase": .string(multibase),
            ]]
        }
        if actor.kind == .application { members["implements"] = implementations }
        return .object(members)
    }

    /// Reads a fetched actor document. The actor must be on the origin it was fetched from,
    /// and so must its inbox and keys: a server can only speak for its own actors.
    package static func actor(from document: JSONValue, fetchedFrom url: String) throws -> ActorProfile {
        func fail(_ reason: String) -> FederationError {
            FederationError(.permanent, code: "actor.invalid", reason: reason)
        }
        guard let id = document["id"]?.stringValue else { throw fail("actor document has no id") }
        guard IRI.sameOrigin(id, url) else { throw fail("actor id \(id.prefix(200)) is not on the origin it was fetched from") }
        guard let kind = document.types.lazy.compactMap(ActorProfile.Kind.init(rawValue:)).first else {
            throw fail("\(id.prefix(200)) is not an actor type")
        }
        guard let inbox = document["inbox"]?.iri, IRI.sameOrigin(inbox, id) else {
            throw fail("actor \(id.prefix(200)) has no inbox on its own origin")
        }
        let host: String
        do { host = try IRI.authority(of: id) } catch { throw fail(error.reason) }
        let username = document["preferredUsername"]?.stringValue
            ?? String(IRI.withoutFragment(id).split(separator: "/").last ?? Substring(host))
        var profile = ActorProfile(
            id: id, kind: kind, preferredUsername: String(username.prefix(256)), host: host,
            name: document["name"]?.stringValue.map { String($0.prefix(1000)) },
            summary: document["summary"]?.stringValue.map { String($0.prefix(10_000)) },
            inbox: inbox,
            sharedInbox: document["endpoints"]?["sharedInbox"]?.iri.flatMap { IRI.sameOrigin($0, id) ? $0 : nil },
            outbox: document["outbox"]?.iri, followers: document["followers"]?.iri,
            following: document["following"]?.iri,
            manuallyApprovesFollowers: document["manuallyApprovesFollowers"]?.boolValue ?? false,
            discoverable: document["discoverable"]?.boolValue ?? false,
            indexable: document["indexable"]?.boolValue ?? false,
            isLocal: false)
        if let key = document["publicKey"], let keyID = key["id"]?.stringValue, let pem = key["publicKeyPem"]?.stringValue {
            guard IRI.sameOrigin(keyID, id), key["owner"]?.iri ?? id == id else {
                throw fail("publicKey of \(id.prefix(200)) belongs to another actor")
            }
            profile.publicKeyID = keyID
            profile.publicKeyPEM = pem
        }
        for method in document["assertionMethod"]?.arrayValue ?? document["assertionMethod"].map({ [$0] }) ?? [] {
            guard method.hasType("Multikey"), let keyID = method["id"]?.stringValue,
                  let multibase = method["publicKeyMultibase"]?.stringValue, multibase.hasPrefix("z6Mk"),
                  method["controller"]?.iri == id, IRI.sameOrigin(keyID, id)
            else { continue }
            profile.ed25519KeyID = keyID
            profile.ed25519Multibase = multibase
            break
        }
        return profile
    }
}
