import Foundation

/// A report, guide, tool review or funding call as its author enters it, validated before publishing.
public struct ArticleDraft: Sendable, Equatable {
    /// What the article is (`civic:kind`).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case experienceReport, bestPractice, strategyGuide, toolReview, fundingCall
    }

    /// The `civic:funding` block of a funding call.
    public struct Funding: Sendable, Equatable, Codable {
        public var deadline: Date
        public var minAmount: Double?
        public var maxAmount: Double?
        /// ISO 4217 code, e.g. EUR.
        public var currency: String?
        public var eligibility: String?
        public var applicationURL: String
        public var funder: String?

        public init(
            deadline: Date, minAmount: Double? = nil, maxAmount: Double? = nil, currency: String? = nil, eligibility: String? = nil,
            applicationURL: String, funder: String? = nil
        ) {
            self.deadline = deadline
            self.minAmount = minAmount
            self.maxAmount = maxAmount
            self.currency = currency
            self.eligibility = eligibility
            self.applicationURL = applicationURL
            self.funder = funder
        }
    }

    /// The article in another language.
    public struct Translation: Sendable, Equatable, Codable {
        public var title: String
        public var summary: String?
        public var content: String

        public init(title: String, summary: String? = nil, content: String) {
            self.title = title
            self.summary = summary
            self.content = content
        }
    }

    public var kind: Kind
    public var title: String
    public var summary: String?
    public var content: String
    /// BCP 47 language tag of title and content, e.g. `en`, `de`, `fr-BE`.
    public var language: String
    /// Ids of fields of work from the taxonomy.
    public var fieldsOfWork: [String]
    public var funding: Funding?
    /// The same article in other languages, by BCP 47 tag (at most 10).
    public var translations: [String: Translation] = [:]

    public init(
        kind: Kind, title: String, summary: String?, content: String, language: String, fieldsOfWork: [String], funding: Funding?
    ) {
        self.kind = kind
        self.title = title
        self.summary = summary
        self.content = content
        self.language = language
        self.fieldsOfWork = fieldsOfWork
        self.funding = funding
    }

    /// Refuses what cannot be published, naming the field. `knownFields` are the taxonomy's ids.
    public func validate(now: Date, knownFields: Set<String>) throws(DomainError) {
        try Translation(title: title, summary: summary, content: content).validate(prefix: "")
        guard Self.isKnownLanguageTag(language) else {
            throw DomainError.invalid(field: "language", reason: "\"\(language.prefix(20))\" is not a known BCP 47 language tag such as en, de or fr-BE")
        }
        guard translations.count <= 10 else { throw DomainError.invalid(field: "translations", reason: "at most 10 other languages") }
        for (tag, translation) in translations.sorted(by: { $0.key < $1.key }) {
            guard Self.isKnownLanguageTag(tag) else {
                throw DomainError.invalid(field: "translations", reason: "\"\(tag.prefix(20))\" is not a known BCP 47 language tag such as en, de or fr-BE")
            }
            guard tag != language else {
                throw DomainError.invalid(field: "translations", reason: "\(tag) is the article's own language")
            }
            try translation.validate(prefix: "translations.\(tag).")
        }
        guard fieldsOfWork.count <= 10 else { throw DomainError.invalid(field: "fieldsOfWork", reason: "at most 10") }
        for field in fieldsOfWork where !knownFields.contains(field) {
            throw DomainError.invalid(field: "fieldsOfWork", reason: "\"\(field.prefix(60))\" is not in the taxonomy")
        }
        switch (kind, funding) {
        case (.fundingCall, nil):
            throw DomainError.invalid(field: "funding", reason: "a funding call needs its funding details")
        case (.fundingCall, let funding?):
            try funding.validate(now: now)
        case (_, .some):
            throw DomainError.invalid(field: "funding", reason: "only funding calls carry funding details")
        default:
            break
        }
    }

    /// A language subtag from ISO 639, optionally a script and a region: `en`, `de-CH`, `sr-Latn-RS`.
    public static func isKnownLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLowercase }),
              Locale.LanguageCode.isoLanguageCodes.contains(Locale.LanguageCode(language)), parts.count <= 3
        else { return false }
        // ASCII only: `isUppercase` and `isNumber` also hold for Cyrillic capitals, ½ or Arabic-Indic digits.
        func all(_ subtag: Substring, in range: ClosedRange<UInt8>) -> Bool {
            subtag.utf8.allSatisfy { range.contains($0) }
        }
        for subtag in parts[1...].map({ Substring($0) }) {
            let script = subtag.utf8.count == 4 && all(subtag.prefix(1), in: 0x41...0x5A) && all(subtag.dropFirst(), in: 0x61...0x7A)
            let region = (subtag.utf8.count == 2 && all(subtag, in: 0x41...0x5A)) || (subtag.utf8.count == 3 && all(subtag, in: 0x30...0x39))
            guard script || region else { return false }
        }
        return true
    }
}

extension ArticleDraft.Translation {
    /// Checks the text of one language; `prefix` locates the fields (`translations.de.`).
    func validate(prefix: String) throws(DomainError) {
        let trimmedTitle = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedTitle.isEmpty, trimmedTitle.limitLength <= 300 else {
            throw DomainError.invalid(field: prefix + "title", reason: "must be 1–300 characters")
        }
        if let summary, summary.limitLength > 1000 {
            throw DomainError.invalid(field: prefix + "summary", reason: "must be at most 1,000 characters")
        }
        let trimmedContent = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedContent.isEmpty, trimmedContent.limitLength <= 50_000 else {
            throw DomainError.invalid(field: prefix + "content", reason: "must be 1–50,000 characters")
        }
    }
}

extension ArticleDraft.Funding {
    func validate(now: Date) throws(DomainError) {
        guard deadline > now else { throw DomainError.invalid(field: "funding.deadline", reason: "must be in the future") }
        if let minAmount, minAmount < 0 { throw DomainError.invalid(field: "funding.minAmount", reason: "must not be negative") }
        if let maxAmount, maxAmount < 0 { throw DomainError.invalid(field: "funding.maxAmount", reason: "must not be negative") }
        if let minAmount, let maxAmount, minAmount > maxAmount {
            throw DomainError.invalid(field: "funding.maxAmount", reason: "must not be below minAmount")
        }
        if let currency, !(currency.count == 3 && currency.allSatisfy { $0.isASCII && $0.isUppercase }
            && Locale.Currency.isoCurrencies.contains(Locale.Currency(currency)))
        {
            throw DomainError.invalid(field: "funding.currency", reason: "must be an ISO 4217 code such as EUR")
        }
        if let eligibility, eligibility.limitLength > 5000 {
            throw DomainError.invalid(field: "funding.eligibility", reason: "must be at most 5,000 characters")
        }
        if let funder, funder.limitLength > 300 { throw DomainError.invalid(field: "funding.funder", reason: "must be at most 300 characters") }
        if let problem = WebURL.problem(applicationURL) { throw DomainError.invalid(field: "funding.applicationURL", reason: problem) }
    }
}
