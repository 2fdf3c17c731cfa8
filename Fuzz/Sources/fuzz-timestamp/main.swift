// libFuzzer target: the byte-level RFC 3339 reader against Foundation's ISO 8601 parser. Wherever
// `Timestamp.date` accepts a date-time in a form Foundation also reads (upper-case T and Z, no leap
// second, a Gregorian year from 1583, a fraction of at most nine digits: Foundation rounds longer
// ones, and refuses 23:59:59.9999999999 as a 60th second), Foundation must accept it and give the
// same instant.
import CivicVocabulary
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let ours = Timestamp.date(text) else { return 0 }
    guard !text.contains("t"), !text.contains("z"), !text.contains(":60"), let year = Int(text.prefix(4)), year >= 1583,
          text.split(separator: ".").dropFirst().first.map({ $0.prefix { $0.isASCII && $0.isNumber }.count <= 9 }) ?? true
    else { return 0 }
    var theirs: Date?
    for style in [Date.ISO8601FormatStyle(), Date.ISO8601FormatStyle(includingFractionalSeconds: true)] where theirs == nil {
        theirs = try? Date(text, strategy: style)
    }
    guard let theirs else { fatalError("Timestamp.date read \(ours) from \(text.debugDescription), Foundation refused it") }
    guard abs(ours.timeIntervalSince1970 - theirs.timeIntervalSince1970) < 1e-4 else {
        fatalError("Timestamp.date read \(ours) from \(text.debugDescription), Foundation \(theirs)")
    }
    return 0
}
