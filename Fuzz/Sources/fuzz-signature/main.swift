// libFuzzer target: HTTP signature header parsing (draft-cavage `Signature`, RFC 9421
// `Signature-Input` + `Signature`, and the digests), never with a key fetch. The input's first
// line is the header name, the rest its value.
import CivicCrypto
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    var headers: [(name: String, value: String)] = [("host", "hub.example"), ("date", "Fri, 27 Nov 2026 03:00:00 GMT")]
    switch lines.count {
    case 3: headers += [("signature-input", lines[1]), ("signature", lines[2]), ("content-digest", lines[0])]
    case 2: headers += [("signature", lines[1]), ("digest", lines[0])]
    default: headers += [("signature", text)]
    }
    let parts = HTTPRequestParts(
        method: "POST", path: "/inbox", authority: "hub.example", scheme: "https", headers: headers, body: Data("{}".utf8))
    guard let signature = try? HTTPSignatureVerifier.parse(parts) else { return 0 }
    _ = try? HTTPSignatureVerifier.checkPolicy(signature, parts: parts, now: Date(timeIntervalSince1970: 1_795_748_400))
    return 0
}
