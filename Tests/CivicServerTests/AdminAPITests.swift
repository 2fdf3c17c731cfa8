import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("Admin REST API", .serialized, .liveNodes)
struct AdminAPITests {
    static func call(
        _ node: TestNode, _ method: NIOHTTPMethod, _ path: String, token: String?, body: JSONValue? = nil
    ) async throws -> (Int, JSONValue?) {
        var headers = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let response = try await HTTPTestClient.send(method, "\(node.base)\(path)", headers: headers, body: body.map(CanonicalJSON.encode))
        return (response.status, response.body.isEmpty ? nil : try JSONParser().parse(response.body))
    }

    @Test("Requests without a valid bearer token get 401 with a JSON error")
    func authentication() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            for token in [nil, "", "chub_wrong", "Bearer", String(repeating: "x", count: 300)] as [String?] {
                let (status, body) = try await Self.call(node, .GET, "/api/v1/organizations", token: token)
                #expect(status == 401)
                #expect(body?["error"]?.stringValue?.hasPrefix("token.") == true)
            }
        }
    }

    @Test("Organisations are created, listed, and bad or duplicate names refused with the field named")
    func organizations() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let token = node.adminToken
            let (created, organization) = try await Self.call(node, .POST, "/api/v1/organizations", token: token, body: ["name": "alpha", "displayName": "Alpha e.V."])
            #expect(created == 201)
            #expect(organization?["id"]?.stringValue == "\(node.base)/actors/alpha")
            let (listed, list) = try await Self.call(node, .GET, "/api/v1/organizations", token: token)
            #expect(listed == 200)
            #expect(list?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["alpha"])

            let (duplicate, conflict) = try await Self.call(node, .POST, "/api/v1/organizations", token: token, body: ["name": "alpha"])
            #expect(duplicate == 409)
            #expect(conflict?["error"]?.stringValue == "actor.exists")
            for name in ["Alpha", "a b", "", "-x", "../etc", String(repeating: "a", count: 65), "ünï"] {
                let (status, error) = try await Self.call(node, .POST, "/api/v1/organizations", token: token, body: ["name": .string(name)])
                #expect(status == 422, "\(name)")
                #expect(error?["message"]?.stringValue?.hasPrefix("name:") == true)
            }
            let (malformed, _) = try await Self.call(node, .POST, "/api/v1/organizations", token: token, body: ["displayName": "no name"])
            #expect(malformed == 400)
            #expect(try await ActorUseCase(node: node.node).organizations().count == 1)
        }
    }

    @Test("Following by API resolves the handle; unknown handles are refused without a 5xx")
    func follows() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            try await first.organization("alpha")
            try await second.organization("beta")
            let (accepted, follow) = try await Self.call(first, .POST, "/api/v1/organizations/alpha/follows", token: first.adminToken, body: ["handle": .string(second.handle("beta"))])
            #expect(accepted == 202)
            #expect(follow?["state"]?.stringValue == "pending")
            try await network.waitUntilQuiet()
            let (_, queue) = try await Self.call(first, .GET, "/api/v1/queue", token: first.adminToken)
            #expect(queue?["deliveries"]?["delivered"]?.numberValue == 1)

            let (unknown, error) = try await Self.call(first, .POST, "/api/v1/organizations/alpha/follows", token: first.adminToken, body: ["handle": .string(second.handle("nobody"))])
            #expect(unknown == 422)
            #expect(error?["error"]?.stringValue == "handle.unresolvable")
            let (noOrg, _) = try await Self.call(first, .POST, "/api/v1/organizations/ghost/follows", token: first.adminToken, body: ["handle": .string(second.handle("beta"))])
            #expect(noOrg == 404)
            // This node's instance actor publishes nothing and answers no follows.
            let (instance, refusal) = try await Self.call(
                first, .POST, "/api/v1/organizations/alpha/follows", token: first.adminToken, body: ["handle": .string(first.node.uris.instanceActor)])
            #expect(instance == 422)
            #expect(refusal?["message"]?.stringValue?.contains("instance actor") == true, "\(String(describing: refusal))")
        }
    }
}

typealias NIOHTTPMethod = NIOHTTP1.HTTPMethod
import NIOHTTP1
