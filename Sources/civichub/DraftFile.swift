import ArgumentParser
import CivicFederation
import CivicModel
import CivicVocabulary
import Foundation

/// Reads `--file F.json|F.yaml` for `post event` and the article kinds: an object whose fields
/// are named as in the ActivityStreams document (`name`, `summary`, `content`, `startTime`,
/// `endTime`, `timezone`, `location`, `fieldsOfWork`, `language`, `funding`, …).
enum DraftFile {
    /// Files larger than this are refused before parsing.
    static let maxBytes = 1 << 20

    static func load(_ path: String) throws -> JSONValue {
        let isYAML = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
        guard isYAML || path.hasSuffix(".json") else {
            throw ValidationError("--file: only JSON (.json) and YAML (.yaml, .yml) files are read")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("--file: cannot read \(path)")
        }
        guard data.count <= maxBytes else { throw ValidationError("--file: \(path) is larger than 1 MiB") }
        let value: JSONValue
        do {
            value = isYAML ? try YAMLDocument.json(data) : try JSONParser(limits: .federation).parse(data)
        } catch let error as VocabularyError {
            throw ValidationError("--file: \(path): \(error.reason)")
        }
        guard case .object = value else { throw ValidationError("--file: \(path) must hold an object (a mapping of fields)") }
        return value
    }

    static func string(_ value: JSONValue, _ field: String) throws -> String? {
        guard let member = value[field], member != .null else { return nil }
        guard let text = member.stringValue else { throw ValidationError("--file: \(field) must be a string") }
        return text
    }

    static func strings(_ value: JSONValue, _ field: String) throws -> [String] {
        try (value[field]?.arrayValue ?? []).map { element in
            guard let text = element.stringValue else { throw ValidationError("--file: \(field) must be strings") }
            return text
        }
    }

    /// A number, written as one (JSON) or as text (YAML scalars stay text until a field needs a number).
    static func number(_ value: JSONValue, _ field: String) throws -> Double? {
        guard let member = value[field], member != .null else { return nil }
        guard let number = member.numberValue ?? member.stringValue.flatMap(Double.init), number.isFinite else {
            throw ValidationError("--file: \(field) must be a number")
        }
        return number
    }

    /// A whole number within `range`.
    static func integer(_ value: JSONValue, _ field: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let number = try number(value, field) else { return nil }
        guard let whole = Int(exactly: number), range.contains(whole) else {
            throw ValidationError("--file: \(field) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return whole
    }

    static func date(_ value: JSONValue, _ field: String) throws -> Date? {
        guard let text = try string(value, field) else { return nil }
        guard let date = Timestamp.date(text) else { throw ValidationError("--file: \(field) must be an RFC 3339 date-time") }
        return date
    }

    /// An event draft from an Event-shaped document; `location` may be a Place (with a
    /// PostalAddress), a VirtualLocation, or an array of both.
    static func event(_ value: JSONValue) throws -> EventDraft {
        guard let name = try string(value, "name") else { throw ValidationError("--file: name is required") }
        guard let start = try date(value, "startTime") else { throw ValidationError("--file: startTime is required") }
        guard let timezone = try string(value, "timezone") else { throw ValidationError("--file: timezone is required") }
        var location: EventDraft.Location?
        if let places = value["location"] {
            var result = EventDraft.Location()
            for place in places.arrayValue ?? [places] {
                if place.hasType("VirtualLocation") {
                    result.url = try string(place, "url")
                    continue
                }
                result.name = try string(place, "name")
                if let address = place["address"] {
                    result.streetAddress = try string(address, "streetAddress")
                    result.postalCode = try string(address, "postalCode")
                    result.locality = try string(address, "addressLocality")
                    result.country = try string(address, "addressCountry")
                }
            }
            location = result
        }
        let capacity = try integer(value, "maximumAttendeeCapacity", in: 1...1_000_000)
        var draft = EventDraft(
            name: name, description: try string(value, "content") ?? string(value, "summary"), startTime: start,
            endTime: try date(value, "endTime"), timezone: timezone, location: location, maximumAttendeeCapacity: capacity)
        draft.fieldsOfWork = try strings(value, "fieldsOfWork")
        draft.categories = try value["category"]?.stringValue.map { [$0] } ?? strings(value, "category")
        draft.externalParticipationUrl = try string(value, "externalParticipationUrl")
        if let mode = try string(value, "joinMode") {
            guard let parsed = EventDraft.JoinMode(rawValue: mode) else { throw ValidationError("--file: joinMode must be free, restricted or external") }
            draft.joinMode = parsed
        }
        if let status = try string(value, "eventStatus") {
            guard let parsed = EventDraft.Status(rawValue: status) else {
                throw ValidationError("--file: eventStatus must be one of \(EventDraft.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            draft.status = parsed
        }
        return draft
    }

    /// An article draft of `kind` from an Article-shaped document. Its text in several languages
    /// comes as `nameMap`, `summaryMap` and `contentMap`; `language` (default `en`) picks the
    /// main one, which `name`, `summary` and `content` may also give.
    static func article(_ value: JSONValue, kind: ArticleDraft.Kind) throws -> ArticleDraft {
        let language = try string(value, "language") ?? "en"
        let names = try map(value, "nameMap"), summaries = try map(value, "summaryMap"), contents = try map(value, "contentMap")
        guard let title = try string(value, "name") ?? names[language] else { throw ValidationError("--file: name is required") }
        guard let content = try string(value, "content") ?? contents[language] else { throw ValidationError("--file: content is required") }
        var translations: [String: ArticleDraft.Translation] = [:]
        for tag in Set(names.keys).union(contents.keys).union(summaries.keys) where tag != language {
            guard let name = names[tag], let text = contents[tag] else {
                throw ValidationError("--file: the \(tag.prefix(20)) version needs both nameMap.\(tag.prefix(20)) and contentMap.\(tag.prefix(20))")
            }
            translations[tag] = ArticleDraft.Translation(title: name, summary: summaries[tag], content: text)
        }
        let fields = try strings(value, "fieldsOfWork")
        var funding: ArticleDraft.Funding?
        if let block = value["funding"] {
            guard let deadline = try date(block, "deadline") else { throw ValidationError("--file: funding.deadline is required") }
            guard let url = try string(block, "applicationURL") else { throw ValidationError("--file: funding.applicationURL is required") }
            funding = ArticleDraft.Funding(
                deadline: deadline, minAmount: try number(block, "minAmount"), maxAmount: try number(block, "maxAmount"),
                currency: try string(block, "currency"), eligibility: try string(block, "eligibility"), applicationURL: url,
                funder: try string(block, "funder"))
        }
        var draft = ArticleDraft(
            kind: kind, title: title, summary: try string(value, "summary") ?? summaries[language], content: content,
            language: language, fieldsOfWork: fields, funding: funding)
        draft.translations = translations
        return draft
    }

    /// A language map (`{"de": "…", "fr": "…"}`); empty when absent.
    static func map(_ value: JSONValue, _ field: String) throws -> [String: String] {
        guard let member = value[field], member != .null else { return [:] }
        guard let members = member.objectValue else { throw ValidationError("--file: \(field) must map language tags to text") }
        return try members.mapValues { text in
            guard let text = text.stringValue else { throw ValidationError("--file: \(field) must map language tags to text") }
            return text
        }
    }
}
