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

    @Test("Bodies that are not JSON, or not of the route's shape, get 400 naming the byte or the field, and store nothing")
    func malformedBodies() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            try await node.organization("alpha")
            let event = #"{"name":"Lab","startTime":"2027-01-01T10:00:00Z","timezone":"Europe/Berlin""#
            let cases: [(body: String, code: String, message: String)] = [
                (#"{"name":"x",}"#, "body.notJSON", "the body is not valid JSON: "),
                (#"{"name":"x","name":"y"}"#, "body.notJSON", #"member "name" appears twice"#),
                (#"{"name":"x""#, "body.notJSON", "at byte"),
                ("", "body.notJSON", "the body is not valid JSON: "),
                (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), "body.notJSON", "deeper than"),
                (event + #","maximumAttendeeCapacity":"ten"}"#, "body.invalid", "maximumAttendeeCapacity: must be a number"),
                (#"{"startTime":"2027-01-01T10:00:00Z","timezone":"Europe/Berlin"}"#, "body.invalid", "name: is required"),
                (#"{"name":null,"startTime":"2027-01-01T10:00:00Z","timezone":"Europe/Berlin"}"#, "body.invalid", "name: must not be null"),
                (#"{"name":5,"startTime":"2027-01-01T10:00:00Z","timezone":"Europe/Berlin"}"#, "body.invalid", "name: must be a string"),
                (event + #","location":{"name":3}}"#, "body.invalid", "location.name: must be a string"),
                (event + #","location":[]}"#, "body.invalid", "location: must be an object"),
                (event + #","fieldsOfWork":"climate"}"#, "body.invalid", "fieldsOfWork: must be a list"),
                (event + #","fieldsOfWork":["climate",7]}"#, "body.invalid", "fieldsOfWork[1]: must be a string"),
                (event + #","joinMode":"open"}"#, "body.invalid", "joinMode: must be one of free, restricted, external"),
                (event + #","eventStatus":"EventOver"}"#, "body.invalid", "eventStatus: must be one of EventScheduled"),
                ("[]", "body.invalid", "the body: must be an object"),
                (#""event""#, "body.invalid", "the body: must be an object"),
            ]
            for (body, code, message) in cases {
                let response = try await HTTPTestClient.send(
                    .POST, "\(node.base)/api/v1/organizations/alpha/events",
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(node.adminToken)")], body: Data(body.utf8))
                let error = try JSONParser().parse(response.body)
                #expect(response.status == 400, "\(body)")
                #expect(error["error"]?.stringValue == code, "\(body)")
                #expect(error["message"]?.stringValue?.contains(message) == true, "\(body): \(response.text)")
            }
            // A number that is JSON but not a whole number is a value the field cannot take (422).
            for capacity in ["1.5", "1e20", "-0.5"] {
                let response = try await HTTPTestClient.send(
                    .POST, "\(node.base)/api/v1/organizations/alpha/events",
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(node.adminToken)")],
                    body: Data((event + #","maximumAttendeeCapacity":\#(capacity)}"#).utf8))
                #expect(response.status == 422, "\(capacity)")
                #expect(try JSONParser().parse(response.body)["message"]?.stringValue == "maximumAttendeeCapacity: must be a whole number between 1 and 1,000,000")
            }
            #expect(try await node.database.localPostCount() == 0)
            let (created, _) = try await Self.call(
                node, .POST, "/api/v1/organizations/alpha/events", token: node.adminToken,
                body: try JSONParser().parse(event + #","maximumAttendeeCapacity":40,"joinMode":"restricted"}"#))
            #expect(created == 201)
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
