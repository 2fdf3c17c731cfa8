import CivicVocabulary
import Foundation
import Testing

@Suite("JSON parser for outside input")
struct JSONParserTests {
    @Test("Parses a Mastodon-shaped Create with nested objects, unicode and escapes")
    func parsesRealPayload() throws {
        let text = #"""
        {"@context":["https://www.w3.org/ns/activitystreams",{"ostatus":"http://ostatus.org#","sensitive":"as:sensitive"}],
         "id":"https://mastodon.example/users/alice/statuses/1/activity","type":"Create",
         "actor":"https://mastodon.example/users/alice","published":"2026-11-26T10:00:00Z",
         "to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://mastodon.example/users/alice/followers"],
         "object":{"id":"https://mastodon.example/users/alice/statuses/1","type":"Note","sensitive":false,
           "content":"<p>Gr\u00fc\u00dfe \"aus\" Berlin \ud83c\udf0d</p>","attachment":[],"tag":[{"type":"Hashtag","name":"#democracy"}],
           "replies":null,"likes":{"totalItems":3.0}}}
        """#
        let value = try JSONParser().parse(text)
        #expect(value["type"]?.stringValue == "Create")
        #expect(value["to"]?.iris == [AS.publicCollection])
        #expect(value["object"]?["content"]?.stringValue == "<p>Grüße \"aus\" Berlin 🌍</p>")
        #expect(value["object"]?["replies"] == .null)
        #expect(value["object"]?["likes"]?["totalItems"]?.numberValue == 3)
        #expect(value["object"]?.iri == "https://mastodon.example/users/alice/statuses/1")
        #expect(value["actor"]?.iri == "https://mastodon.example/users/alice")
    }

    @Test("Refuses hostile and malformed input with a coded error, never crashing", arguments: [
        ("", "json.malformed"), ("{", "json.malformed"), ("{\"a\":}", "json.malformed"), ("[1,]", "json.malformed"),
        ("{\"a\":1,}", "json.malformed"), ("01", "json.malformed"), ("1.", "json.malformed"), ("-", "json.malformed"),
        ("1e", "json.malformed"), ("tru", "json.malformed"), ("nul", "json.malformed"), ("\"\\x\"", "json.malformed"),
        ("\"\\ud800\"", "json.malformed"), ("\"\\udc00\"", "json.malformed"), ("\"\\u12\"", "json.malformed"),
        ("\"abc", "json.malformed"), ("\"a\u{01}b\"", "json.malformed"), ("{} {}", "json.malformed"),
        ("{\"a\":1,\"a\":2}", "json.duplicateKey"), ("1e999", "json.malformed"), ("NaN", "json.malformed"),
        ("[" + String(repeating: "[", count: 40) + String(repeating: "]", count: 41), "json.tooDeep"),
        (String(repeating: "{\"a\":", count: 33) + "1" + String(repeating: "}", count: 33), "json.tooDeep"),
    ])
    func refusesHostileInput(input: String, code: String) {
        #expect(throws: VocabularyError.self) { try JSONParser().parse(input) }
        do {
            _ = try JSONParser().parse(input)
        } catch let error as VocabularyError {
            #expect(error.code == code, "\(input.prefix(30)): \(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("Refuses invalid UTF-8 inside strings, before, between and after escapes")
    func refusesInvalidUTF8() {
        let quote = UInt8(ascii: "\""), escapedNewline = Array(#"\n"#.utf8), escapedNot = Array(#"\u00ac"#.utf8)
        let inputs: [[UInt8]] = [
            [quote, 0xC3, 0x28, quote],
            [quote] + escapedNewline + [0xC3, 0x28, quote],
            // A sequence cut short by an escape, even by one whose own bytes would continue it.
            [quote, 0xE2, 0x82] + escapedNewline + [quote],
            [quote, 0xE2, 0x82] + escapedNot + [quote],
            [quote, 0xF0, 0x9F] + escapedNot + [0x98, 0x80, quote],
            [quote, 0xED, 0xA0, 0x80, quote],  // a surrogate written as UTF-8
        ]
        for input in inputs {
            #expect(throws: VocabularyError.self, "\(input)") { try JSONParser().parse(Data(input)) }
        }
    }

    @Test("Strings decode as Foundation decodes them: escapes, surrogate pairs, multi-byte text and all mixed")
    func stringsMatchFoundation() throws {
        let inputs = [
            #""plain""#, #""""#, #""é日本😀""#, #""a\"b\\c\/d\b\f\n\r\t""#, #""\u00e9\u65e5\ud83d\ude00""#,
            #""é\u00e9é\n😀\ud83d\ude00x""#, #""\u0000\u001f""#, #""\\""#, #""\"""#, #""x\u0041""#,
        ]
        for input in inputs {
            let expected = try JSONSerialization.jsonObject(with: Data(input.utf8), options: .fragmentsAllowed) as? String
            #expect(try JSONParser().parse(input).stringValue == expected, "\(input)")
        }
    }

    @Test("Enforces size, depth and array-length limits exactly at the boundary")
    func limits() throws {
        let limits = JSONParser.Limits(maxBytes: 100, maxDepth: 3, maxArrayLength: 3, maxStringBytes: 10)
        let parser = JSONParser(limits: limits)
        #expect(try parser.parse("[[[1]]]") == [[[1]]])
        #expect(throws: VocabularyError.self) { try parser.parse("[[[[1]]]]") }
        #expect(try parser.parse("[1,2,3]") == [1, 2, 3])
        #expect(throws: VocabularyError.self) { try parser.parse("[1,2,3,4]") }
        #expect(try parser.parse("\"" + String(repeating: "a", count: 10) + "\"") == .string(String(repeating: "a", count: 10)))
        #expect(throws: VocabularyError.self) { try parser.parse("\"" + String(repeating: "a", count: 11) + "\"") }
        // Escapes count as written: two letters written in 12 bytes are over the limit of 10.
        #expect(throws: VocabularyError.self) { try parser.parse(#""\u0041\u0041""#) }
        #expect(throws: VocabularyError.self) { try parser.parse(String(repeating: " ", count: 101)) }
    }

    @Test("A 32-level document parses and a 33-level one is refused by the federation limits")
    func federationDepth() throws {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(throws: Never.self) { try JSONParser().parse(ok) }
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(throws: VocabularyError.self) { try JSONParser().parse(deep) }
    }
}

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    @Test("Sorts keys by UTF-16 code units, escapes minimally and writes numbers as ECMAScript does")
    func canonicalForm() throws {
        // RFC 8785 §3.2.3 sorting example (keys from its test data)
        let value = try JSONParser().parse(#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#)
        let keys = try #require(value.objectValue).keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        #expect(keys.map { $0.unicodeScalars.first!.value } == [0x0D, 0x31, 0x80, 0xF6, 0x20AC, 0x1F600, 0xFB33])
        #expect(CanonicalJSON.string(["b": [1, true, .null], "a": "x\n\"y\"\u{1}"]) == #"{"a":"x\n\"y\"\u0001","b":[1,true,null]}"#)
        #expect(CanonicalJSON.string(.number(1e21)) == "1e+21")
        #expect(CanonicalJSON.string(.number(-0.5)) == "-0.5")
        #expect(CanonicalJSON.string(.number(100)) == "100")
        #expect(CanonicalJSON.string(.number(1.5e-7)) == "1.5e-7")
        #expect(CanonicalJSON.string("€/é") == "\"€/é\"")
    }

    /// Edges of ECMAScript's placement rules (expected texts are what Node.js's `String(x)`
    /// prints); the first fuzzing run crashed the encoder on 666666666666666666666 (past Int64,
    /// below 1e21).
    @Test("Numbers are written as ECMAScript writes them, without crashing past Int64", arguments: [
        (666666666666666666666, "666666666666666600000"), (9.3e18, "9300000000000000000"), (-1.5e20, "-150000000000000000000"),
        (999999999999999868928, "999999999999999900000"), (1e21, "1e+21"), (9007199254740992, "9007199254740992"),
        (295147905179352830000, "295147905179352830000"), (4.50, "4.5"), (2e-3, "0.002"), (0.000001, "0.000001"),
        (1e-7, "1e-7"), (123e-20, "1.23e-18"), (-5e-324, "-5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (333333333.33333329, "333333333.3333333"), (1e23, "1e+23"), (0.1, "0.1"), (-0.0000033, "-0.0000033"),
    ] as [(Double, String)])
    func numbers(number: Double, text: String) {
        #expect(CanonicalJSON.string(.number(number)) == text)
    }

    @Test("Strings escape exactly the quote, the backslash and the controls, in 5,000 random texts of mixed scripts")
    func stringDifferential() throws {
        let replacements: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "\u{8}": "\\b", "\t": "\\t", "\n": "\\n", "\u{C}": "\\f", "\r": "\\r"]
        var generator = SplitMix64(seed: 0x8785)
        let alphabet: [Unicode.Scalar] = ["a", "/", "\"", "\\", "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}"]
        for _ in 0..<5_000 {
            let text = generator.text(of: alphabet, maxLength: 40)
            let expected = replacingScalars(of: text) { scalar in
                replacements[scalar] ?? (scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : nil)
            }
            let encoded = CanonicalJSON.string([.string(text)])
            #expect(encoded == "[\"" + expected + "\"]", "\(text.debugDescription)")
            #expect(try JSONParser().parse(Data(encoded.utf8)) == [.string(text)])
        }
    }

    @Test("Parsing canonical output gives back the same value")
    func roundTrip() throws {
        let value: JSONValue = ["id": "https://a.example/x", "n": 3, "list": ["a", ["nested": false]], "text": "tab\there"]
        #expect(try JSONParser().parse(CanonicalJSON.encode(value)) == value)
    }
}
