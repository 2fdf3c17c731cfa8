import CivicModel
import CivicNode
import CivicVocabulary
import Foundation
import HTTPTypes
import Hummingbird

/// WebFinger (RFC 7033, FEP-d556), NodeInfo 2.0 and 2.1 (FEP-2677) and host-meta.
struct WellKnownController<Context: RequestContext> {
    let node: Node

    func addRoutes(to router: Router<Context>) {
        router.get(".well-known/webfinger", use: webfinger)
        router.get(".well-known/nodeinfo", use: nodeinfoLinks)
        for version in ["2.0", "2.1"] {
            router.get("nodeinfo/\(version)") { request, context in try await nodeinfo(version: version) }
        }
        router.get(".well-known/host-meta", use: hostMeta)
    }

    static var cors: HTTPFields { [.accessControlAllowOrigin: "*"] }

    @Sendable func webfinger(_ request: Request, context: Context) async throws -> Response {
        guard let resource = request.uri.queryParameters.get("resource"), !resource.isEmpty else {
            throw DomainError.invalid(field: "resource", reason: "the query parameter is required")
        }
        guard resource.utf8.count <= 512 else {
            throw DomainError.invalid(field: "resource", reason: "must be at most 512 bytes")
        }
        let actor = try await WebFingerUseCase(node: node).actor(forResource: resource)
        let subject = "acct:\(actor.preferredUsername)@\(node.uris.authority)"
        let document: JSONValue = [
            "subject": .string(subject),
            "aliases": [.string(actor.id)],
            "links": [
                ["rel": "self", "type": .string(AS.activityJSON), "href": .string(actor.id)],
                ["rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": .string(actor.id)],
            ],
        ]
        return .json(CanonicalJSON.encode(document), contentType: "application/jrd+json; charset=utf-8", headers: Self.cors)
    }

    @Sendable func nodeinfoLinks(_ request: Request, context: Context) async throws -> Response {
        let document: JSONValue = [
            "links": [
                ["rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": .string("\(node.uris.base)/nodeinfo/2.0")],
                ["rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": .string("\(node.uris.base)/nodeinfo/2.1")],
                ["rel": "https://www.w3.org/ns/activitystreams#Application", "href": .string(node.uris.instanceActor)],
            ],
        ]
        return .json(CanonicalJSON.encode(document), headers: Self.cors)
    }

    /// NodeInfo 2.0 (what most crawlers read) and 2.1 (adds software.homepage).
    func nodeinfo(version: String) async throws -> Response {
        let organizations = try await node.database.localActorCount(kind: .organization)
        let posts = try await node.database.localPostCount()
        var software: [String: JSONValue] = ["name": .string(NodeInfo.software), "version": .string(NodeInfo.version)]
        if version == "2.1" { software["homepage"] = .string(node.uris.base) }
        let document: JSONValue = [
            "version": .string(version),
            "software": .object(software),
            "protocols": ["activitypub"],
            "services": ["inbound": [], "outbound": []],
            "openRegistrations": false,
            "usage": ["users": ["total": .number(Double(organizations))], "localPosts": .number(Double(posts))],
            "metadata": ["nodeName": .string(node.uris.authority), "federationMode": "open"],
        ]
        return .json(
            CanonicalJSON.encode(document),
            contentType: "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/\(version)#\"",
            headers: Self.cors)
    }

    @Sendable func hostMeta(_ request: Request, context: Context) async throws -> Response {
        let template = HTML.escape("\(node.uris.base)/.well-known/webfinger?resource={uri}")
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
              <Link rel="lrdd" template="\(template)"/>
            </XRD>
            """
        return Response(
            status: .ok, headers: [.contentType: "application/xrd+xml; charset=utf-8", .accessControlAllowOrigin: "*"],
            body: .init(byteBuffer: .init(string: xml)))
    }
}
