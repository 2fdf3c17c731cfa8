import CivicModel
import Testing

@Suite("The public URL every minted URI starts from")
struct URIBuilderTests {
    @Test("Scheme and host are lower-cased, the default port and trailing slashes dropped", arguments: [
        ("https://hub.example", "https://hub.example", "hub.example"),
        ("HTTPS://Hub.Example.ORG:443/", "https://hub.example.org", "hub.example.org"),
        ("http://127.0.0.1:8080//", "http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://hub.example:80", "http://hub.example", "hub.example"),
        ("https://hub.example:8443", "https://hub.example:8443", "hub.example:8443"),
    ])
    func accepted(publicURL: String, base: String, authority: String) throws {
        let uris = try URIBuilder(publicURL: publicURL)
        #expect(uris.base == base)
        #expect(uris.authority == authority)
        #expect(uris.actor("alpha") == "\(base)/actors/alpha")
    }

    @Test("Anything but http(s)://host[:port] is refused", arguments: [
        "https://hub.example/path", "https://hub.example?x=1", "https://hub.example#top", "https://hub.example/a/",
        "ftp://hub.example", "https://user@hub.example", "https://", "hub.example", "", "https://hub.example.",
        "https://hub example", "https://xn--bcher-kva.example/x",
    ])
    func refused(publicURL: String) {
        #expect(throws: DomainError.self) { try URIBuilder(publicURL: publicURL) }
    }
}
