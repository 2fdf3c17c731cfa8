import CivicVocabulary
import Foundation
import Testing

@Suite("HTML sanitiser for remote content")
struct HTMLSanitizerTests {
    @Test("Mastodon-shaped content keeps its formatting and links, with rel forced")
    func keepsFormatting() {
        let input = #"<p>Hello <a href="https://mastodon.example/tags/democracy" class="mention hashtag" rel="tag">#<span>democracy</span></a><br>next &amp; last</p>"#
        #expect(HTMLSanitizer.sanitize(input) == #"<p>Hello <a href="https://mastodon.example/tags/democracy" rel="nofollow noopener noreferrer">#<span>democracy</span></a><br>next &amp; last</p>"#)
        #expect(HTMLSanitizer.sanitize("<ul><li>a</li><li>b</li></ul><blockquote>q</blockquote>") == "<ul><li>a</li><li>b</li></ul><blockquote>q</blockquote>")
        #expect(HTMLSanitizer.text("<p>One</p><p>Two &amp; three</p>") == "One\nTwo & three")
    }

    /// A corpus of classic XSS vectors: none may produce markup that runs script.
    static let hostile = [
        "<script>alert(1)</script>", "<SCRIPT SRC=//evil/x.js></SCRIPT>", "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>", "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a href=\"java\tscript:alert(1)\">x</a>", "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript:alert(1)\">x</a>", "<a href=\" javascript:alert(1)\">x</a>", "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>", "<p style=\"background:url(javascript:alert(1))\">x</p>", "<style>body{background:red}</style>",
        "<iframe src=\"https://evil.example\"></iframe>", "<object data=\"x\"></object>", "<embed src=x>", "<body onload=alert(1)>",
        "<div onclick=\"alert(1)\">x</div>", "<p onmouseover=alert(1)>x</p>", "<a href=x onfocus=alert(1) autofocus>x</a>",
        "<<script>script>alert(1)<</script>/script>", "<scr<script>ipt>alert(1)</script>", "<!--<script>alert(1)</script>-->",
        "<![CDATA[<script>alert(1)</script>]]>", "<p title=\"\"><script>alert(1)</script>\"></p>", "<p title='x' onclick='y'>z</p>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<template><script>alert(1)</script></template>", "<a href=\"https://ok.example\" onclick=\"x\">ok</a>", "<input onfocus=alert(1) autofocus>",
        "<form action=javascript:alert(1)><button>x</button></form>", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=stylesheet href=javascript:alert(1)>", "<base href=\"javascript:alert(1)//\">", "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<p>unclosed <b>bold", "</p></p></div>text", "<a href=\"https://x.example/\"\"onclick=alert(1)>x</a>", "<p\u{0}onclick=alert(1)>x</p>",
        "<script", "<a href='", "<" + String(repeating: "a", count: 5000), String(repeating: "<p>", count: 2000),
    ]

    @Test("Hostile input never yields script, event handlers or non-http links", arguments: hostile)
    func hostileInput(input: String) {
        let output = HTMLSanitizer.sanitize(input)
        let lower = output.lowercased()
        #expect(!lower.contains("<script"), "\(output)")
        #expect(!lower.contains("<img"), "\(output)")
        #expect(!lower.contains("<svg"), "\(output)")
        #expect(!lower.contains("<iframe"), "\(output)")
        #expect(!lower.contains("<style"), "\(output)")
        #expect(!lower.contains("<meta"), "\(output)")
        #expect(!lower.contains("<base"), "\(output)")
        #expect(!lower.contains(" on"), "an attribute other than href/rel survived: \(output)")
        #expect(!lower.contains("style="), "\(output)")
        #expect(!lower.contains("href=\"javascript") && !lower.contains("href=\"data:") && !lower.contains("href=\"vbscript"), "\(output)")
        // Every kept tag is balanced: sanitising the output again changes nothing.
        #expect(HTMLSanitizer.sanitize(output) == output, "not idempotent: \(output)")
    }

    /// Found by fuzz-html: a tag name running into non-ASCII bytes, and an `<a>` inside an `<a>`.
    @Test("Sanitising is idempotent on what the fuzzer found", arguments: [
        "PHA+SGVsbG8gPGEgaHJlZj0iaHB4YW0mbGUvQGJvYiIgY1EAc3M9Im1lbjxwcDx0aW9uIj5FPHNwYW7CnZCYPC9zcC8+PGE+cHQ+YWxlcmE+",
        "PGE+b25lPGEgaHJlZj0iaHR0cHM6Ly9hLmV4YW1wbGUiPnR3bzwvYT50aHJlZTwvYT4=",
        "PHA+SGVsPMyzAHMAAF1lIGM8NVEAc3M9I21lbg==",  // "<" then a combining mark: "&lt;" must still decode
    ])
    func idempotent(base64: String) throws {
        let html = String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        let once = HTMLSanitizer.sanitize(html)
        #expect(HTMLSanitizer.sanitize(once) == once, "\(once)")
        #expect(!once.contains("<a rel=\"nofollow noopener noreferrer\">pt"))
    }

    /// Found by fuzz-html: a combining mark after `"` made one Character of the two, and the quote
    /// went out unescaped — a link could end its href and add `/onmouseover=…`.
    @Test("A quote or bracket followed by a combining mark is still escaped")
    func combiningMarks() {
        let link = HTMLSanitizer.sanitize("<a href=\"https://a.example/x&quot;\u{333}/onmouseover=alert(1)\">x</a>")
        #expect(link.hasPrefix("<a href=\"https://a.example/x&quot;\u{333}/onmouseover=alert(1)\" rel="), "\(link)")
        #expect(PlainText.escape("\"\u{333}<\u{333}&\u{333}") == "&quot;\u{333}&lt;\u{333}&amp;\u{333}")
    }

    @Test("Escaping replaces exactly the five characters, scalar by scalar, in 5,000 random texts of mixed scripts")
    func escapeDifferential() {
        let replacements: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]
        var generator = SplitMix64(seed: 0xE5CA_9E)
        let alphabet: [Unicode.Scalar] = ["a", " ", "&", "<", ">", "\"", "'", "\u{333}", "é", "ж", "漢", "🏳", "\u{200D}", "\u{0}", "\n"]
        for _ in 0..<5_000 {
            let text = generator.text(of: alphabet, maxLength: 40)
            #expect(PlainText.escape(text) == replacingScalars(of: text) { replacements[$0] }, "\(text.debugDescription)")
        }
        #expect(PlainText.escape("") == "" && PlainText.escape("Grüße 🏳️‍🌈") == "Grüße 🏳️‍🌈")
    }

    @Test("Text that looks like markup is escaped, entities stay text")
    func escaping() {
        #expect(HTMLSanitizer.sanitize("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d")
        #expect(HTMLSanitizer.sanitize("&lt;b&gt;not bold&lt;/b&gt;") == "&lt;b&gt;not bold&lt;/b&gt;")
        #expect(HTMLSanitizer.sanitize("&#0;&#xD800;&bogus;") == "\u{FFFD}\u{FFFD}&amp;bogus;")
        #expect(HTMLSanitizer.sanitize("<p>unclosed <b>bold") == "<p>unclosed <b>bold</b></p>")
    }
}
