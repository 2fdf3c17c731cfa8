import CivicModel
import CivicNode
import CivicTesting
import CivicVocabulary
import Foundation
import Testing

/// Every refusal must answer 4xx and write nothing.
@Suite("The inbox refuses bad requests with a clear 4xx and stores nothing", .serialized, .liveNodes)
struct InboxRefusalTests {
    /// A Create from `beta` on the second node to the first node's shared inbox.
    static func activity(from actor: String, id: String? = nil) -> Data {
        CanonicalJSON.encode([
            "@context": .string(AS.context), "id": .string(id ?? "\(actor)/activities/\(UUID().uuidString)"),
            "type": "Like", "actor": .string(actor), "object": "https://example.org/objects/1",
        ])
    }

    static func expectRefused(
        _ response: HTTPTestClient.Response, status: Int, code: String? = nil, on node: TestNode
    ) async throws {
        #expect(response.status == status, "\(response.text)")
        let body = try JSONParser().parse(response.body)
        #expect(body["error"]?.stringValue != nil)
        #expect(body["message"]?.stringValue?.isEmpty == false)
        if let code { #expect(body["error"]?.stringValue == code) }
        #expect(try await node.database.inboxCounts().isEmpty, "a refused request must not be stored")
    }

    @Test("A correctly signed activity is accepted with 202 once; a re-signed redelivery is a no-op, a replayed request 401")
    func acceptsSignedActivity() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            let body = Self.activity(from: beta.id)
            let post = try await SignedPost.make(to: "\(first.base)/inbox", body: body, as: beta.id, of: second)
            #expect(try await post.send().status == 202)
            let redelivery = try await SignedPost.make(to: "\(first.base)/inbox", body: body, as: beta.id, of: second, date: Date().addingTimeInterval(2))
            #expect(try await redelivery.send().status == 202)
            #expect(try await first.database.inboxCounts().values.reduce(0, +) == 1)

            // The very same signed request again, within the date window, is a replay.
            let replayed = try await post.send()
            #expect(replayed.status == 401)
            #expect(try JSONParser().parse(replayed.body)["error"]?.stringValue == "signature.replayed")
        }
    }

    /// Found by fuzzing: re-encoding such a number crashed the node.
    @Test("An activity with numbers past Int64 is stored, not a crash")
    func hugeNumbers() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            let body = Data(#"{"@context":"https://www.w3.org/ns/activitystreams","id":"\#(beta.id)/activities/huge","type":"Like","actor":"\#(beta.id)","object":"https://example.org/objects/1", "n": 666666666666666666666, "m": [1e300, -9.3e18]}"#.utf8)
            let post = try await SignedPost.make(to: "\(first.base)/inbox", body: body, as: beta.id, of: second)
            #expect(try await post.send().status == 202)
            #expect(try await first.database.inboxCounts().values.reduce(0, +) == 1)
            // Kept as the bytes received, which a re-encoding would not reproduce (`1e300`, the spacing).
            let stored = try await first.database.writer.read { db in try Data.fetchOne(db, sql: "SELECT document FROM inboxItem") }
            #expect(stored == body)
        }
    }

    @Test("Unsigned, tampered, stale, future-dated and digest-mismatched requests get 401")
    func refusesBadSignatures() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            let inbox = "\(first.base)/inbox"
            let body = Self.activity(from: beta.id)

            let unsigned = try await HTTPTestClient.send(.POST, inbox, headers: [("Content-Type", AS.activityJSON)], body: body)
            try await Self.expectRefused(unsigned, status: 401, code: "signature.missing", on: first)

            var tampered = try await SignedPost.make(to: inbox, body: body, as: beta.id, of: second)
            let signature = try #require(tampered.headers.first { $0.0 == "Signature" }?.1)
            tampered.set("Signature", signature.replacingOccurrences(of: "signature=\"", with: "signature=\"AAAA"))
            try await Self.expectRefused(try await tampered.send(), status: 401, on: first)

            var otherBody = try await SignedPost.make(to: inbox, body: body, as: beta.id, of: second)
            otherBody.body = Self.activity(from: beta.id)
            try await Self.expectRefused(try await otherBody.send(), status: 401, code: "digest.mismatch", on: first)

            let stale = try await SignedPost.make(to: inbox, body: body, as: beta.id, of: second, date: Date().addingTimeInterval(-12 * 3600 - 60))
            try await Self.expectRefused(try await stale.send(), status: 401, code: "signature.expired", on: first)

            let future = try await SignedPost.make(to: inbox, body: body, as: beta.id, of: second, date: Date().addingTimeInterval(3600 + 60))
            try await Self.expectRefused(try await future.send(), status: 401, code: "signature.expired", on: first)

            var wrongTarget = try await SignedPost.make(to: "\(first.base)/actor/inbox", body: body, as: beta.id, of: second)
            wrongTarget.url = inbox
            try await Self.expectRefused(try await wrongTarget.send(), status: 401, code: "signature.invalid", on: first)
        }
    }

    @Test("A signer that is not the activity's actor gets 401")
    func refusesForeignSigner() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            let gamma = try await second.organization("gamma")
            let post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.activity(from: gamma.id), as: beta.id, of: second)
            try await Self.expectRefused(try await post.send(), status: 401, code: "signature.actorMismatch", on: first)
        }
    }

    @Test("Bodies over 1 MiB get 413, malformed or over-deep JSON and foreign activity ids get 400")
    func refusesBadBodies() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            let inbox = "\(first.base)/inbox"

            let huge = Data(repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
            let tooLarge = try await SignedPost.make(to: inbox, body: huge, as: beta.id, of: second)
            try await Self.expectRefused(try await tooLarge.send(), status: 413, on: first)

            let malformed = try await SignedPost.make(to: inbox, body: Data("{\"id\": ".utf8), as: beta.id, of: second)
            try await Self.expectRefused(try await malformed.send(), status: 400, code: "json.malformed", on: first)

            let deep = Data((String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8)
            let tooDeep = try await SignedPost.make(to: inbox, body: deep, as: beta.id, of: second)
            try await Self.expectRefused(try await tooDeep.send(), status: 400, code: "json.tooDeep", on: first)

            let foreign = Self.activity(from: beta.id, id: "https://elsewhere.example/activities/1")
            let foreignID = try await SignedPost.make(to: inbox, body: foreign, as: beta.id, of: second)
            try await Self.expectRefused(try await foreignID.send(), status: 400, code: "as.originMismatch", on: first)

            let notAnActivity = try await SignedPost.make(to: inbox, body: Data("[1,2]".utf8), as: beta.id, of: second)
            try await Self.expectRefused(try await notAnActivity.send(), status: 400, code: "as.notAnObject", on: first)
        }
    }

    @Test("A body that is not ActivityStreams or JSON by its Content-Type gets 415; both ActivityStreams names, JSON and none are read")
    func contentTypes() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            for refused in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"] {
                var post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.activity(from: beta.id), as: beta.id, of: second)
                post.set("Content-Type", refused)
                try await Self.expectRefused(try await post.send(), status: 415, code: "http.415", on: first)
            }
            let accepted = [
                "application/activity+json", "Application/LD+JSON; profile=\"https://www.w3.org/ns/activitystreams\"",
                "application/json; charset=utf-8", "application/activity+json ; charset=utf-8", nil,
            ]
            for contentType in accepted {
                var post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.activity(from: beta.id), as: beta.id, of: second)
                post.headers.removeAll { $0.0 == "Content-Type" }
                if let contentType { post.set("Content-Type", contentType) }
                #expect(try await post.send().status == 202, "\(contentType ?? "no Content-Type")")
            }
            #expect(try await first.database.inboxCounts().values.reduce(0, +) == accepted.count)
        }
    }

    @Test("A key that cannot be fetched gets 401, and an unknown actor's inbox 404")
    func refusesUnknownKeysAndInboxes() async throws {
        try await withTestNetwork(count: 2) { network in
            let (first, second) = (network.nodes[0], network.nodes[1])
            let beta = try await second.organization("beta")
            var post = try await SignedPost.make(to: "\(first.base)/inbox", body: Self.activity(from: beta.id), as: beta.id, of: second)
            let signature = try #require(post.headers.first { $0.0 == "Signature" }?.1)
            post.set("Signature", signature.replacingOccurrences(of: "/actors/beta#main-key", with: "/actors/nobody#main-key"))
            try await Self.expectRefused(try await post.send(), status: 401, code: "signature.keyUnavailable", on: first)

            let ghost = try await SignedPost.make(to: "\(first.base)/actors/ghost/inbox", body: Self.activity(from: beta.id), as: beta.id, of: second)
            try await Self.expectRefused(try await ghost.send(), status: 404, code: "actor.notFound", on: first)
        }
    }

    /// Found by the soak: a truncated body was answered 500.
    @Test("A body that ends before its Content-Length gets 400, not a server error")
    func truncatedBody() async throws {
        try await withTestNetwork(count: 1) { network in
            let node = network.nodes[0]
            let upload = try await StalledUpload.start(host: "127.0.0.1", port: node.configuration.port, path: "/inbox")
            defer { upload.close() }
            upload.halfClose()
            let response = await upload.readResponse(timeout: .seconds(10))
            #expect(response.hasPrefix("HTTP/1.1 400"), "\(response)")
            #expect(response.contains("request.malformed"))
            #expect(try await node.database.inboxCounts().isEmpty)
        }
    }
}
