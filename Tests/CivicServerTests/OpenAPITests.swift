import CivicNode
import CivicServer
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

@Suite("The OpenAPI document matches the API routes", .liveNodes)
struct OpenAPITests {
    @Test("Every /api/v1 route is documented, and every documented operation is a route")
    func inSync() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let response = try await HTTPTestClient.send(.GET, "\(node.base)/api/v1/openapi.json", headers: [("Authorization", "Bearer \(node.adminToken)")])
            #expect(response.status == 200)
            let document = try JSONParser().parse(response.body)
            #expect(document["openapi"]?.stringValue == "3.1.0")

            var documented = Set<String>()
            for (path, item) in document["paths"]?.objectValue ?? [:] {
                for method in (item.objectValue ?? [:]).keys {
                    documented.insert("\(method.uppercased()) /api/v1\(path)")
                }
            }
            let routes = Set(buildRouter(node: node.node).routes.map { "\($0.method.rawValue) \($0.path)" }.filter { $0.contains(" /api/v1/") })
            #expect(documented == routes, "undocumented: \(routes.subtracting(documented)); not routes: \(documented.subtracting(routes))")
            // Every operation that reads a body documents the refusals of bodies.
            for (path, item) in document["paths"]?.objectValue ?? [:] {
                for (method, operation) in item.objectValue ?? [:] where operation["requestBody"] != nil {
                    let codes = Set(operation["responses"]?.objectValue?.keys.map { $0 } ?? [])
                    #expect(codes.isSuperset(of: ["400", "401", "413"]), "\(method) \(path): \(codes.sorted())")
                }
            }
            #expect(document["paths"]?["/organizations/{name}/participations"]?["post"]?["responses"]?["409"] != nil)

            // Every referenced schema exists
            let schemas = Set(document["components"]?["schemas"]?.objectValue?.keys.map { $0 } ?? [])
            let text = response.text
            let references = text.components(separatedBy: "#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(!references.isEmpty)
            for reference in references { #expect(schemas.contains(String(reference)), "missing schema \(reference)") }
        }
    }

    @Test("The document is valid OpenAPI 3.1 for openapi-spec-validator")
    func validates() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let response = try await HTTPTestClient.send(.GET, "\(node.base)/api/v1/openapi.json", headers: [("Authorization", "Bearer \(node.adminToken)")])
            let script = "import json, sys; from openapi_spec_validator import validate; validate(json.load(sys.stdin)); print('valid')"
            let result = try await runProcess("/usr/bin/env", ["python3", "-c", script], input: response.body, mergingErrors: true)
            #expect(result.status == 0, "\(result.outputText)")
        }
    }
}
