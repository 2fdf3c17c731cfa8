import CivicVocabulary
import Testing

@Suite("The byte-level origin reader agrees with URLComponents")
struct IRIPlainOriginTests {
    /// IRIs in the shapes federation sends, all of which the fast path reads itself.
    static let plain = [
        "https://social.example/users/alice#main-key", "http://127.0.0.1:8080/inbox", "HTTPS://Hub.Example.ORG:443/actors/x?page=1",
        "https://a.example/objects/01J%2Fx?q=a&b=c;d#frag", "https://a-b.c-d.example:8443", "http://a.example:80/",
        "https://mastodon.example/users/bob/statuses/1131/activity", "https://a.example/@bob", "https://a.example?x",
        "https://a.example#x", "https://a.example/~u/(x)/*+,;=:@!$&'", "http://localhost:3000/actor",
    ]

    @Test("Federation's usual IRIs take the fast path, with the origin URLComponents gives", arguments: plain)
    func plainIRIs(text: String) throws {
        let fast = try #require(IRI.plainOrigin(of: text))
        #expect(fast == (try IRI.parsedOrigin(of: text)))
        #expect(try IRI.origin(of: text) == fast)
    }

    @Test("Anything unusual is left to URLComponents, refusals included", arguments: [
        "https://xn--bcher-kva.example/x", "https://a.XN--bcher-kva.example/x", "https://bücher.example/x", "http://[::1]:80/x",
        "https://user@a.example/", "https://a.example./x", "https://a..example/", "https://.a.example/", "https://a.example:/x",
        "https://a.example:0443/", "https://a.example:65536/", "https://a.example:123456/", "https://a_b.example/",
        "https://a.example%2F@evil.example/", "https://a.example\\@evil.example/", "https://a.example/%zz", "https://a.example/%2",
        "https://a.example/a#b#c", "https://a.example/[x]", "https://a.example/ x", "https://a.example/x\r\n", "ftp://a.example/",
        "http:/a.example", "https:a.example", "http://", "https://", "httpx://a.example", "https://a.example/\u{7F}",
        "https://a.example/" + String(repeating: "a", count: 2048),
    ])
    func unusualIRIs(text: String) {
        #expect(IRI.plainOrigin(of: text) == nil)
    }

    @Test("On 20,000 mutations of federation IRIs, every fast answer is URLComponents' answer")
    func mutations() throws {
        var random = SplitMix64(seed: 0x5EED_1A1)
        let fragments = Array("aZ09-._~:/?#[]@!$&'()*+,;=%\\ \"<>^`{|}\u{7F}\u{0}é\u{0430}").map(String.init)
            + ["xn--", "XN--", "%2F", "%2f", "%zz", ":0", ":443", ":65535", ":99999", "..", "://", "[::1]", "user@", "\r\n"]
        var fastAnswers = 0
        for _ in 0..<20_000 {
            var characters = Array(Self.plain[Int(random.next() % UInt64(Self.plain.count))])
            for _ in 0...(random.next() % 4) {
                let position = Int(random.next() % UInt64(characters.count + 1))
                let fragment = fragments[Int(random.next() % UInt64(fragments.count))]
                switch random.next() % 3 {
                case 0 where position < characters.count: characters.remove(at: position)
                case 1 where position < characters.count: characters.replaceSubrange(position...position, with: fragment)
                default: characters.insert(contentsOf: fragment, at: position)
                }
            }
            let text = String(characters)
            guard let fast = IRI.plainOrigin(of: text) else { continue }
            fastAnswers += 1
            let slow = try? IRI.parsedOrigin(of: text)
            #expect(slow == fast, "\(text.debugDescription)")
        }
        // A sixth of the mutations leave the IRI plain; a fast path that answered nothing would prove nothing.
        #expect(fastAnswers > 2_000)
    }
}

/// A small seeded generator, so a failure names an input that fails again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// Up to `maxLength` scalars drawn from `alphabet`.
    mutating func text(of alphabet: [Unicode.Scalar], maxLength: Int) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &self) { text.append(alphabet.randomElement(using: &self)!) }
        return String(text)
    }
}

/// `text` with each scalar that `replacement` names replaced: the scalar-by-scalar reference
/// that escapers working on UTF-8 bytes are checked against.
func replacingScalars(of text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        if let replaced = replacement(scalar) { result += replaced } else { result.unicodeScalars.append(scalar) }
    }
    return result
}
