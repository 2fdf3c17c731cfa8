// libFuzzer target: reading WebFinger `resource` parameters. Whatever names a local actor must
// name it on this node, in lower case.
import CivicModel
import Foundation

let uris = try! URIBuilder(publicURL: "https://hub.example")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let resource = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    if case .actor(let name) = uris.webFingerTarget(resource) {
        guard !name.isEmpty, name == name.lowercased() else { fatalError("bad actor name \(name) from \(resource)") }
    }
    return 0
}
