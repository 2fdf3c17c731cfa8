import CivicModel
import CivicNode
import CivicVocabulary

/// The OpenAPI 3.1 description of the admin REST API, served at `/api/v1/openapi.json`.
/// `OpenAPITests` checks that it lists exactly the routes the router has.
enum OpenAPIDocument {
    static func document(serverURL: String) -> JSONValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "CivicHub admin API", "version": .string(NodeInfo.version),
                "description": "Manage a CivicHub node's organisations, their publications and follows. Every request needs `Authorization: Bearer TOKEN` with an admin token (`civichub init` prints the first one).",
            ],
            "servers": [["url": .string("\(serverURL)/api/v1")]],
            "security": [["bearer": []]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": .object(schemas),
            ],
        ]
    }

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func body(_ schema: String) -> JSONValue {
        ["required": true, "content": ["application/json": ["schema": ref(schema)]]]
    }

    static func operation(
        _ id: String, _ summary: String, parameters: [String] = [], body schema: String? = nil, success: String,
        returns: String? = nil, errors: [String] = ["401", "404", "422"]
    ) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        var ok: [String: JSONValue] = ["description": "Success"]
        if let returns { ok["content"] = ["application/json": ["schema": ref(returns)]] }
        responses[success] = .object(ok)
        // A route that reads a body also refuses one that is not JSON of its shape (400) or is over
        // the size limit (413).
        for code in Set(errors).union(schema == nil ? [] : ["400", "413"]) {
            responses[code] = ["description": "Refused", "content": ["application/json": ["schema": ref("Error")]]]
        }
        var members: [String: JSONValue] = ["operationId": .string(id), "summary": .string(summary), "responses": .object(responses)]
        if !parameters.isEmpty {
            members["parameters"] = .array(parameters.map {
                ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string"]]
            })
        }
        if let schema { members["requestBody"] = body(schema) }
        return .object(members)
    }

    static var paths: [String: JSONValue] {
        [
            "/organizations": [
                "get": operation("listOrganizations", "List the node's organisations", success: "200", returns: "OrganizationList", errors: ["401"]),
                "post": operation("createOrganization", "Create an organisation actor with fresh keys", body: "CreateOrganization", success: "201", returns: "Organization", errors: ["400", "401", "409", "422"]),
            ],
            "/organizations/{name}/profile": [
                "put": operation("updateProfile", "Replace the organisation's profile (sends Update of the actor)", parameters: ["name"], body: "Profile", success: "204"),
            ],
            "/organizations/{name}/follows": [
                "post": operation("follow", "Follow a remote actor by handle or IRI", parameters: ["name"], body: "Follow", success: "202", returns: "FollowState", errors: ["400", "401", "404", "422", "503"]),
            ],
            "/organizations/{name}/follow-requests": [
                "get": operation("listFollowRequests", "Pending follow requests", parameters: ["name"], success: "200", returns: "ActorList"),
            ],
            "/organizations/{name}/follow-requests/approve": [
                "post": operation("approveFollowRequest", "Approve a follow request (sends Accept)", parameters: ["name"], body: "ActorReference", success: "204"),
            ],
            "/organizations/{name}/follow-requests/decline": [
                "post": operation("declineFollowRequest", "Decline a follow request (sends Reject)", parameters: ["name"], body: "ActorReference", success: "204"),
            ],
            "/organizations/{name}/news": [
                "post": operation("publishNews", "Publish news (a public Note) to followers", parameters: ["name"], body: "News", success: "201", returns: "Created"),
            ],
            "/organizations/{name}/news/{id}": [
                "patch": operation("editNews", "Replace the text of a news item (sends Update)", parameters: ["name", "id"], body: "News", success: "204", errors: ["401", "404", "410", "422"]),
                "delete": operation("deleteNews", "Delete a news item (sends Delete, leaves a Tombstone)", parameters: ["name", "id"], success: "204", errors: ["401", "404", "410"]),
            ],
            "/organizations/{name}/events": [
                "post": operation("publishEvent", "Publish an event (FEP-8a8e) to followers", parameters: ["name"], body: "Event", success: "201", returns: "Created"),
            ],
            "/organizations/{name}/events/{id}": [
                "put": operation("replaceEvent", "Replace an event's details (sends Update)", parameters: ["name", "id"], body: "Event", success: "204", errors: ["401", "404", "410", "422"]),
                "delete": operation("cancelEvent", "Cancel an event (sends Delete, leaves a Tombstone)", parameters: ["name", "id"], success: "204", errors: ["401", "404", "410"]),
            ],
            "/organizations/{name}/events/{id}/attendees": [
                "get": operation("listAttendees", "Accepted participants of an event", parameters: ["name", "id"], success: "200", returns: "Attendees"),
            ],
            "/organizations/{name}/events/{id}/participants/approve": [
                "post": operation("approveParticipant", "Approve a pending join of a restricted event (sends Accept, or Reject when full)", parameters: ["name", "id"], body: "ActorReference", success: "204"),
            ],
            "/organizations/{name}/events/{id}/participants/decline": [
                "post": operation("declineParticipant", "Decline a pending join (sends Reject)", parameters: ["name", "id"], body: "ActorReference", success: "204"),
            ],
            "/organizations/{name}/participations": [
                "post": operation(
                    "joinEvent", "Join an event on this node or another (sends Join); 409 for an event that takes registrations elsewhere",
                    parameters: ["name"], body: "EventReference", success: "202", returns: "Participation", errors: ["401", "404", "409", "422"]),
                "delete": operation("leaveEvent", "Leave an event (sends Leave)", parameters: ["name"], body: "EventReference", success: "204"),
            ],
            "/organizations/{name}/articles": [
                "post": operation("publishArticle", "Publish a report, guide, tool review or funding call", parameters: ["name"], body: "Article", success: "201", returns: "Created"),
            ],
            "/organizations/{name}/articles/{id}": [
                "delete": operation("deleteArticle", "Delete an article (sends Delete, leaves a Tombstone)", parameters: ["name", "id"], success: "204", errors: ["401", "404", "410"]),
            ],
            "/organizations/{name}/announces": [
                "post": operation("announce", "Share a public object with the followers (sends Announce)", parameters: ["name"], body: "ObjectReference", success: "201", returns: "Created"),
            ],
            "/queue": [
                "get": operation("queueStatus", "Inbox and delivery counts, unavailable hosts", success: "200", returns: "QueueStatus", errors: ["401"]),
            ],
            "/reports": [
                "get": operation("listReports", "Reports other servers forwarded about this node's organisations and content, newest first (the last 100)", success: "200", returns: "ReportList", errors: ["401"]),
            ],
            "/blocks": [
                "get": operation("listBlocks", "Blocked domains and actors", success: "200", returns: "BlockList", errors: ["401"]),
                "post": operation(
                    "block", "Stop federating with a domain (and its subdomains) or an actor; removes what came from it",
                    body: "Block", success: "201", returns: "BlockAdded", errors: ["401", "422"]),
                "delete": operation("unblock", "Lift a block", body: "Block", success: "204"),
            ],
            "/openapi.json": [
                "get": operation("openAPI", "This document", success: "200", errors: ["401"]),
            ],
        ]
    }

    static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string))]
    }

    static let string: JSONValue = ["type": "string"]
    static let uri: JSONValue = ["type": "string", "format": "uri"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static let counts: JSONValue = ["type": "object", "additionalProperties": ["type": "integer"]]

    static var schemas: [String: JSONValue] {
        [
            "Error": object(["error": string, "message": string], required: ["error", "message"]),
            "Organization": object(["id": uri, "name": string, "handle": string, "displayName": string, "summary": string], required: ["id", "name", "handle"]),
            "OrganizationList": ["type": "array", "items": ref("Organization")],
            "CreateOrganization": object(["name": ["type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]{0,63}$"], "displayName": string, "summary": string], required: ["name"]),
            "Follow": object(["handle": string], required: ["handle"]),
            "Profile": object([
                "displayName": string, "mission": string,
                "fieldsOfWork": ["type": "array", "items": ["enum": .array(FieldOfWork.all.map { .string($0.id) })]],
                "country": ["type": "string", "pattern": "^[A-Z]{2}$"], "languages": ["type": "array", "items": string],
                "website": uri, "contact": string, "donationURL": uri,
            ], required: ["fieldsOfWork", "languages"]),
            "FollowState": object(["follower": uri, "followee": uri, "state": ["enum": ["pending", "accepted"]]], required: ["follower", "followee", "state"]),
            "ActorReference": object(["actor": uri], required: ["actor"]),
            "ActorList": object(["actors": ["type": "array", "items": uri]], required: ["actors"]),
            "News": object(["content": ["type": "string", "maxLength": .number(Double(NewsUseCase.maxLength))]], required: ["content"]),
            "Created": object(["id": uri], required: ["id"]),
            "Location": object([
                "name": string, "streetAddress": string, "postalCode": string, "locality": string,
                "country": ["type": "string", "pattern": "^[A-Z]{2}$"], "url": uri,
            ], required: []),
            "Event": object([
                "name": string, "description": string, "startTime": dateTime, "endTime": dateTime,
                "timezone": ["type": "string", "description": "IANA time zone, e.g. Europe/Berlin"], "location": ref("Location"),
                "maximumAttendeeCapacity": ["type": "integer", "minimum": 1],
                "fieldsOfWork": ["type": "array", "items": ["enum": .array(FieldOfWork.all.map { .string($0.id) })]],
                "joinMode": ["enum": ["free", "restricted", "external"]],
                "externalParticipationUrl": ["type": "string", "format": "uri", "description": "Where to register (http(s) or mailto); required when joinMode is external"],
                "eventStatus": ["enum": .array(EventDraft.Status.allCases.map { .string($0.rawValue) })],
                "category": ["type": "array", "maxItems": 3, "items": ["enum": .array(EventDraft.knownCategories.sorted().map(JSONValue.string))]],
            ], required: ["name", "startTime", "timezone"]),
            "EventReference": object(["event": uri], required: ["event"]),
            "ObjectReference": object(["object": uri], required: ["object"]),
            "Funding": object([
                "deadline": dateTime, "minAmount": ["type": "number", "minimum": 0], "maxAmount": ["type": "number", "minimum": 0],
                "currency": ["type": "string", "pattern": "^[A-Z]{3}$"], "eligibility": string, "applicationURL": uri, "funder": string,
            ], required: ["deadline", "applicationURL"]),
            "Article": object([
                "kind": ["enum": .array(ArticleDraft.Kind.allCases.map { .string($0.rawValue) })], "title": string, "summary": string,
                "content": string, "language": ["type": "string", "description": "BCP 47 tag, e.g. en, de, fr-BE"],
                "fieldsOfWork": ["type": "array", "items": ["enum": .array(FieldOfWork.all.map { .string($0.id) })]],
                "funding": ref("Funding"),
                "translations": [
                    "type": "object", "maxProperties": 10, "description": "The article in other languages, by BCP 47 tag",
                    "additionalProperties": ref("Translation"),
                ],
            ], required: ["kind", "title", "content", "language"]),
            "Translation": object(["title": string, "summary": string, "content": string], required: ["title", "content"]),
            "Participation": object(["event": uri, "state": ["enum": ["pending", "accepted", "rejected"]]], required: ["event", "state"]),
            "Attendees": object(["count": ["type": "integer"], "actors": ["type": "array", "items": uri]], required: ["count", "actors"]),
            "Block": [
                "type": "object", "description": "Exactly one of domain (host or host:port) and actor",
                "properties": ["domain": string, "actor": uri, "reason": ["type": "string", "maxLength": 500]],
            ],
            "BlockEntry": object(["value": string, "kind": ["enum": ["domain", "actor"]], "reason": string, "createdAt": dateTime], required: ["value", "kind", "createdAt"]),
            "BlockList": ["type": "array", "items": ref("BlockEntry")],
            "Report": object(
                ["id": ["type": "integer"], "reporter": string, "objects": ["type": "array", "items": string], "comment": string, "receivedAt": dateTime],
                required: ["id", "reporter", "objects", "receivedAt"]),
            "ReportList": ["type": "array", "items": ref("Report")],
            "BlockAdded": object([
                "block": ref("BlockEntry"),
                "removed": object(["actors": ["type": "integer"], "objects": ["type": "integer"], "deliveries": ["type": "integer"]], required: ["actors", "objects", "deliveries"]),
            ], required: ["block", "removed"]),
            "QueueStatus": object(["inbox": counts, "deliveries": counts, "unavailableHosts": ["type": "array", "items": string]], required: ["inbox", "deliveries", "unavailableHosts"]),
        ]
    }
}
