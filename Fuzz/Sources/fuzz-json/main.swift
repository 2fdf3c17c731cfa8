// libFuzzer target: the JSON parser and the ActivityStreams reading of inbox bodies, then
// canonical re-encoding (RFC 8785), which must parse back to the same value.
import CivicVocabulary
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let value = try? JSONParser(limits: .federation).parse(data) else { return 0 }
    _ = try? IncomingActivity(document: value)
    let canonical = CanonicalJSON.encode(value)
    guard let again = try? JSONParser(limits: .stored).parse(canonical), again == value else {
        fatalError("canonical JSON did not parse back to the same value")
    }
    return 0
}
