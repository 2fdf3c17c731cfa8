import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("WebFinger, NodeInfo, host-meta and actor documents", .serialized, .liveNodes)
struct DiscoveryEndpointTests {
    @Test("WebFinger finds organisations by acct: and IRI, and the instance actor by acct:HOST@HOST and the base URL, never under /actors/")
    func webfinger() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            let authority = node.node.uris.authority
            for resource in ["acct:alpha@\(authority)", "alpha@\(authority)", alpha.id] {
                let response = try await HTTPTestClient.send(.GET, "\(node.base)/.well-known/webfinger?resource=\(resource)")
                #expect(response.status == 200)
                #expect(response.headers.first(name: "Access-Control-Allow-Origin") == "*")
                #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/jrd+json") == true)
                let document = try JSONParser().parse(response.body)
                #expect(document["subject"]?.stringValue == "acct:alpha@\(authority)")
                let link = document["links"]?.arrayValue?.first { $0["rel"]?.stringValue == "self" }
                #expect(link?["href"]?.stringValue == alpha.id)
                #expect(link?["type"]?.stringValue == AS.activityJSON)
            }
            for resource in ["acct:\(authority)@\(authority)", "\(node.base)/"] {
                let document = try await HTTPTestClient.getJSON("\(node.base)/.well-known/webfinger?resource=\(resource)")
                let link = document["links"]?.arrayValue?.first { $0["rel"]?.stringValue == "self" }
                #expect(link?["href"]?.stringValue == node.node.uris.instanceActor)
            }
            // The instance actor's name is the authority, but nothing under /actors/ is it.
            let impostor = "\(node.base)/actors/\(authority)"
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/.well-known/webfinger?resource=\(impostor)").status == 404)
            for path in ["", "/outbox", "/followers", "/following"] {
                #expect(try await HTTPTestClient.send(.GET, impostor + path, headers: [("Accept", AS.activityJSON)]).status == 404, "\(path)")
            }
            let post = try await HTTPTestClient.send(
                .POST, "\(impostor)/inbox", headers: [("Content-Type", AS.activityJSON)], body: Data("{}".utf8))
            #expect(post.status == 404)
        }
    }

    @Test("WebFinger answers unknown, foreign-host, missing and oversized resources with 4xx")
    func webfingerRefusals() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let cases: [(String, Int)] = [
                ("?resource=acct:nobody@\(node.node.uris.authority)", 404),
                ("?resource=acct:alpha@elsewhere.example", 404),
                ("?resource=acct:", 404),
                ("?resource=%00%0d%0a", 404),
                ("", 422),
                ("?resource=" + String(repeating: "a", count: 600), 422),
            ]
            for (query, status) in cases {
                let response = try await HTTPTestClient.send(.GET, "\(node.base)/.well-known/webfinger\(query)")
                #expect(response.status == status, "\(query.prefix(40)): \(response.text)")
                #expect(try JSONParser().parse(response.body)["error"]?.stringValue != nil)
            }
        }
    }

    @Test("NodeInfo 2.1 is linked from well-known with the instance actor (FEP-2677), and counts the live public posts")
    func nodeinfo() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            let links = try await HTTPTestClient.getJSON("\(node.base)/.well-known/nodeinfo", accept: "application/json")
            let rels = links["links"]?.arrayValue?.compactMap { $0["rel"]?.stringValue } ?? []
            #expect(rels.contains("http://nodeinfo.diaspora.software/ns/schema/2.1"))
            let application = links["links"]?.arrayValue?.first { $0["rel"]?.stringValue == "https://www.w3.org/ns/activitystreams#Application" }
            #expect(application?["href"]?.stringValue == node.node.uris.instanceActor)
            let info = try await HTTPTestClient.getJSON("\(node.base)/nodeinfo/2.1", accept: "application/json")
            #expect(info["version"]?.stringValue == "2.1")
            #expect(info["software"]?["name"]?.stringValue == "civichub")
            #expect(info["protocols"]?.arrayValue == ["activitypub"])
            #expect(info["usage"]?["users"]?["total"]?.numberValue == 1)
            #expect(info["usage"]?["localPosts"]?.numberValue == 0)
            // localPosts counts live public news, events and articles; a deleted one no longer.
            _ = try await NewsUseCase(node: node.node).publish(name: "alpha", text: "Kept")
            let deleted = try await NewsUseCase(node: node.node).publish(name: "alpha", text: "Deleted")
            try await NewsUseCase(node: node.node).delete(name: "alpha", objectID: deleted)
            _ = try await EventUseCase(node: node.node).publish(name: "alpha", draft: EventTests.hybrid("Assembly"))
            let counted = try await HTTPTestClient.getJSON("\(node.base)/nodeinfo/2.0", accept: "application/json")
            #expect(counted["usage"]?["localPosts"]?.numberValue == 2)
            let hostMeta = try await HTTPTestClient.send(.GET, "\(node.base)/.well-known/host-meta")
            #expect(hostMeta.text.contains("template=\"\(node.base)/.well-known/webfinger?resource={uri}\""))
        }
    }

    @Test("Actor documents carry the RSA publicKey and an Ed25519 Multikey; browsers get HTML; HEAD answers as GET without the body")
    func actorDocuments() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            for accept in [AS.activityJSON, AS.ldJSON] {
                let response = try await HTTPTestClient.send(.GET, alpha.id, headers: [("Accept", accept)])
                #expect(response.status == 200)
                #expect(response.headers.first(name: "Content-Type")?.hasPrefix(AS.activityJSON) == true)
                let document = try JSONParser().parse(response.body)
                #expect(document["type"]?.stringValue == "Organization")
                #expect(document["inbox"]?.stringValue == "\(alpha.id)/inbox")
                #expect(document["endpoints"]?["sharedInbox"]?.stringValue == "\(node.base)/inbox")
                #expect(document["publicKey"]?["owner"]?.stringValue == alpha.id)
                #expect(document["publicKey"]?["publicKeyPem"]?.stringValue?.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
                let multikey = document["assertionMethod"]?.arrayValue?.first
                #expect(multikey?["type"]?.stringValue == "Multikey")
                #expect(multikey?["controller"]?.stringValue == alpha.id)
                #expect(multikey?["publicKeyMultibase"]?.stringValue?.hasPrefix("z6Mk") == true)
            }
            let page = try await HTTPTestClient.send(.GET, alpha.id, headers: [("Accept", "text/html")])
            #expect(page.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.text.contains("alpha@\(node.node.uris.authority)"))

            // HEAD answers as GET would, without the body (RFC 9110 §9.3.2).
            let get = try await HTTPTestClient.send(.GET, alpha.id, headers: [("Accept", AS.activityJSON)])
            for url in [alpha.id, node.node.uris.instanceActor, "\(node.base)/.well-known/nodeinfo", "\(node.base)/"] {
                let head = try await HTTPTestClient.send(.HEAD, url, headers: [("Accept", AS.activityJSON)])
                #expect(head.status == 200, "\(url)")
                #expect(head.body.isEmpty, "\(url)")
            }
            let head = try await HTTPTestClient.send(.HEAD, alpha.id, headers: [("Accept", AS.activityJSON)])
            #expect(head.headers.first(name: "Content-Length") == String(get.body.count))
            #expect(head.headers.first(name: "Content-Type") == get.headers.first(name: "Content-Type"))
            #expect(try await HTTPTestClient.send(.HEAD, "\(node.base)/actors/nobody").status == 404)

            let instance = try await HTTPTestClient.getJSON(node.node.uris.instanceActor)
            #expect(instance["type"]?.stringValue == "Application")
            #expect(instance["preferredUsername"]?.stringValue == node.node.uris.authority)
            let implemented = instance["implements"]?.arrayValue?.compactMap { $0["href"]?.stringValue } ?? []
            #expect(implemented.contains("https://www.rfc-editor.org/rfc/rfc9421"))
        }
    }

    @Test("Collections are paged with correct totals, and bad page numbers and names are refused with short messages")
    func collections() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            for kind in ["outbox", "followers", "following"] {
                let collection = try await HTTPTestClient.getJSON("\(alpha.id)/\(kind)")
                #expect(collection["type"]?.stringValue == "OrderedCollection")
                #expect(collection["totalItems"]?.numberValue == 0)
                let page = try await HTTPTestClient.getJSON("\(alpha.id)/\(kind)?page=1")
                #expect(page["type"]?.stringValue == "OrderedCollectionPage")
                #expect(page["partOf"]?.stringValue == "\(alpha.id)/\(kind)")
            }
            // An error quotes what was asked for, cut short: a 6 KB name does not come back whole.
            let long = try await HTTPTestClient.send(.GET, "\(node.base)/actors/\(String(repeating: "n", count: 6_000))/outbox")
            #expect(long.status == 404)
            #expect(long.body.count < 1_000, "\(long.body.count) bytes")
            #expect(try JSONParser().parse(long.body)["message"]?.stringValue?.hasSuffix("…") == true)
            for bad in ["0", "-1", "abc", "99999999999999999999"] {
                let response = try await HTTPTestClient.send(.GET, "\(alpha.id)/followers?page=\(bad)")
                #expect(response.status == 422, "page=\(bad)")
            }
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/actors/nobody/followers").status == 404)
            #expect(try await HTTPTestClient.send(.GET, "\(node.base)/actors/nobody", headers: [("Accept", AS.activityJSON)]).status == 404)
        }
    }

    @Test("Twenty-five followers page as 20 and 5, with next and prev links")
    func paging() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let alpha = try await node.organization("alpha")
            for index in 0..<25 {
                let follower = try await node.organization("follower\(index)")
                try await FollowUseCase(node: node.node).follow(from: follower.preferredUsername, handle: alpha.id)
            }
            let first = try await HTTPTestClient.getJSON("\(alpha.id)/followers?page=1")
            #expect(first["totalItems"]?.numberValue == 25)
            #expect(first["orderedItems"]?.arrayValue?.count == 20)
            #expect(first["next"]?.stringValue == "\(alpha.id)/followers?page=2")
            let second = try await HTTPTestClient.getJSON("\(alpha.id)/followers?page=2")
            #expect(second["orderedItems"]?.arrayValue?.count == 5)
            #expect(second["next"] == nil)
            #expect(second["prev"]?.stringValue == "\(alpha.id)/followers?page=1")
        }
    }
}
