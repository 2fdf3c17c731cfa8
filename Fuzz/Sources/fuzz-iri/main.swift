// libFuzzer target: the byte-level IRI origin reader against Foundation's. Wherever
// `IRI.plainOrigin` answers, `URLComponents` (`IRI.parsedOrigin`) must accept the IRI and give the
// same origin: the fast path may leave an IRI to the slow one, never disagree with it.
import CivicVocabulary

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let fast = IRI.plainOrigin(of: text) else { return 0 }
    let slow: String
    do {
        slow = try IRI.parsedOrigin(of: text)
    } catch {
        fatalError("plainOrigin read \(fast) from \(text.debugDescription), URLComponents refused it: \(error)")
    }
    guard fast == slow else { fatalError("plainOrigin read \(fast) from \(text.debugDescription), URLComponents \(slow)") }
    return 0
}
