/// An enumeration written as one of a few words, such as an event's join mode. When read from
/// JSON, an unknown word is refused with the words it may be, instead of the standard library's
/// "Cannot initialize … from invalid String value".
public protocol TextChoice: RawRepresentable<String>, CaseIterable, Decodable {}

extension TextChoice {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}
