import CivicVocabulary
import Testing

@Suite("IRIs and activity envelopes")
struct IRITests {
    @Test("Origins are compared case-insensitively with default ports dropped")
    func origins() throws {
        #expect(try IRI.origin(of: "HTTPS://Example.ORG:443/a") == "https://example.org")
        #expect(try IRI.origin(of: "http://127.0.0.1:8080/x") == "http://127.0.0.1:8080")
        #expect(try IRI.authority(of: "HTTPS://Example.ORG:443/a") == "example.org")
        #expect(try IRI.authority(of: "http://127.0.0.1:8080/x") == "127.0.0.1:8080")
        #expect(try IRI.authority(of: "https://a.example:8443/x#k") == "a.example:8443")
        #expect(IRI.sameOrigin("https://a.example/users/x", "https://A.example/inbox"))
        #expect(!IRI.sameOrigin("https://a.example/x", "https://a.example:8443/x"))
        #expect(!IRI.sameOrigin("https://a.example/x", "http://a.example/x"))
        #expect(!IRI.sameOrigin("https://a.example/x", "https://a.example.evil/x"))
    }

    @Test("Refuses userinfo, control characters, trailing dots and other schemes", arguments: [
        "https://victim.example@evil.example/actor", "https://user:pw@a.example/", "https://a.example./x",
        "https://a.example/x\r\nHost: b", "https://a.example/ x", "javascript:alert(1)", "ftp://a.example/",
        "file:///etc/passwd", "https:///nohost", "", "not a url", "https://a.example/\u{85}x",
    ])
    func refusesHostileIRIs(text: String) {
        #expect(throws: VocabularyError.self) { try IRI.origin(of: text) }
    }

    @Test("Hosts differing by an IDN spelling, a backslash or an encoded slash are never taken for another host")
    func hostSpellings() {
        // A Unicode name is either refused or the same origin as its punycode spelling.
        if let unicode = try? IRI.origin(of: "https://bücher.example/x") {
            #expect(unicode == (try? IRI.origin(of: "https://xn--bcher-kva.example/y")))
        }
        // A homograph (Cyrillic а) is not the ASCII name.
        #expect(!IRI.sameOrigin("https://exаmple.org/x", "https://example.org/x"))
        for hostile in [
            "https://a.example\\@evil.example/", "https://a.example%2F@evil.example/", "https://evil.example\\a.example/x",
            "https://a.example%2fevil.example/", "https://a.example%2F.evil.example/", "https://evil.example#@a.example/",
        ] {
            #expect(!IRI.sameOrigin(hostile, "https://a.example/"), "\(hostile)")
        }
    }

    @Test("IPv6 hosts keep their brackets in origins and are spelled one way; zone ids, IPvFuture and IPv4-mapped hosts are refused")
    func ipv6Hosts() throws {
        #expect(try IRI.origin(of: "https://[2001:db8::1]:8443/a") == "https://[2001:db8::1]:8443")
        #expect(try IRI.origin(of: "https://[2001:db8::1:8443]/a") == "https://[2001:db8::1:8443]")
        // An address and a port were once one origin with another address: "https://2001:db8::1:8443".
        #expect(!IRI.sameOrigin("https://[2001:db8::1]:8443/actor", "https://[2001:db8::1:8443]/notes/1"))
        #expect(try IRI.authority(of: "https://[2001:DB8:0:0::1]:443/a") == "[2001:db8::1]")
        #expect(IRI.sameOrigin("https://[2001:db8::1]/a", "https://[2001:0db8:0000::0001]/b"))
        #expect(!IRI.sameOrigin("https://[2001:db8::1]/a", "https://[2001:db8::2]/a"))
        for hostile in ["https://[fe80::1%25eth0]/x", "https://[v1.x]/", "https://[::ffff:1.2.3.4]/x", "https://[2001:db8::g]/", "https://[1.2.3.4]/",
            "https://[::1.2.3.4]/x", "https://[64:ff9b::102:304]/x",
        ] {
            #expect(throws: VocabularyError.self, "\(hostile)") { try IRI.origin(of: hostile) }
        }
        #expect(IRI.canonicalIPv6("2001:DB8:0:0:0:0:0:1") == "2001:db8::1")
        #expect(IRI.canonicalIPv6("example.org") == nil)
    }

    @Test("Lists longer than their cap in an activity or its object are refused", arguments: ["to", "cc", "tag", "attachment", "audience"])
    func listCaps(property: String) throws {
        let limit = try #require(IncomingActivity.maxListLengths[property])
        func activity(_ count: Int, inObject: Bool) -> JSONValue {
            let list = JSONValue.array((0..<count).map { .string("https://a.example/users/u\($0)") })
            var object: [String: JSONValue] = ["id": "https://a.example/notes/1", "type": "Note"]
            var members: [String: JSONValue] = ["id": "https://a.example/1", "type": "Create", "actor": "https://a.example/users/x"]
            if inObject { object[property] = list } else { members[property] = list }
            members["object"] = .object(object)
            return .object(members)
        }
        for inObject in [false, true] {
            #expect(throws: Never.self) { try IncomingActivity(document: activity(limit, inObject: inObject)) }
            #expect(throws: VocabularyError.self) { try IncomingActivity(document: activity(limit + 1, inObject: inObject)) }
        }
    }

    @Test("An activity needs an id, a type and an actor on the same origin")
    func envelope() throws {
        let good: JSONValue = ["id": "https://a.example/activities/1", "type": "Follow", "actor": "https://a.example/users/x", "object": "https://b.example/actors/y"]
        let activity = try IncomingActivity(document: good)
        #expect(activity.type == "Follow")
        #expect(activity.object?.iri == "https://b.example/actors/y")

        let embeddedActor: JSONValue = ["id": "https://a.example/1", "type": ["Follow"], "actor": ["id": "https://a.example/users/x"]]
        #expect(try IncomingActivity(document: embeddedActor).actor == "https://a.example/users/x")

        let failures: [(JSONValue, String)] = [
            (["type": "Follow", "actor": "https://a.example/u"], "as.missingField"),
            (["id": "https://a.example/1", "actor": "https://a.example/u"], "as.missingField"),
            (["id": "https://a.example/1", "type": "Follow"], "as.missingField"),
            (["id": "https://evil.example/1", "type": "Follow", "actor": "https://a.example/u"], "as.originMismatch"),
            (["id": "https://a.example/1", "type": "Follow", "actor": "javascript:x"], "iri.invalid"),
            ([1, 2], "as.notAnObject"),
        ]
        for (document, code) in failures {
            do {
                _ = try IncomingActivity(document: document)
                Issue.record("accepted \(document)")
            } catch {
                #expect(error.code == code)
            }
        }
    }
}
