import CivicServer
import Testing

@Suite("Content negotiation between ActivityStreams and HTML")
struct ContentNegotiationTests {
    @Test("Accept headers as fetchers and browsers send them, with and without quality values", arguments: [
        ("application/activity+json", true),
        (#"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#, true),
        ("application/activity+json, application/ld+json", true),
        ("application/json", true),
        ("application/json, text/html", false),
        ("application/activity+json, text/html", true),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false),
        ("*/*", false),
        ("application/activity+json;q=0, text/html", false),
        ("application/activity+json;q=0.5, text/html;q=0.9", false),
        ("text/html;q=0.5, application/activity+json", true),
        ("text/html;q=0.9, application/json", true),
        ("application/json;q=0.9, text/html;q=0.9", false),
        ("application/activity+json;q=0.9, text/html;q=0.9", true),
        ("application/activity+json;q=abc, text/html;q=0.1", false),
        ("Application/Activity+JSON; Q=1", true),
        ("application/activity+json;q=0", false),
        ("application/json\t;\tq=0.5 ,\ttext/html;q=0.4", true),
        (",,;, application/activity+json", true),
        ("application/activity+jso", false),
        ("q=", false),
        ("", false),
        ("\u{212A}application/activity+json", true),
        ("text/html; q=1, application/activity+json; q=0.99999", false),
        ("application/activity\u{0130}json", false),
    ])
    func preference(accept: String, activityStreams: Bool) {
        #expect(ActivityPubMediaType.prefersActivityStreams(accept) == activityStreams, "\(accept)")
    }
}
