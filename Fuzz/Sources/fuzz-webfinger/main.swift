// libFuzzer target: reading WebFinger `resource` parameters. A name read from a resource is a
// single path segment, never empty; from `acct:` it is lower-cased and made of name characters.
import CivicModel
import Foundation

/// Under libFuzzer this file's top-level code never runs (libFuzzer's `main` does): values the
/// target needs are lazily initialised statics.
enum Node {
    static let uris = try! URIBuilder(publicURL: "https://hub.example")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let resource = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    if case .actor(let name) = Node.uris.webFingerTarget(resource) {
        guard !name.isEmpty, !name.contains("/"), !name.contains("@") || resource.hasPrefix("https://"),
              !resource.hasPrefix("acct:")
                || name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) })
        else { fatalError("bad actor name \(name) from \(resource)") }
    }
    return 0
}
