import Foundation

/// What an organisation says about itself: mission, fields of work, country, languages, website,
/// contact and donation link. Validated before the actor document changes.
public struct OrganizationProfileDraft: Sendable, Equatable, Codable {
    public var displayName: String?
    public var mission: String?
    /// Ids from the fields-of-work taxonomy.
    public var fieldsOfWork: [String]
    /// ISO 3166-1 alpha-2 code.
    public var country: String?
    /// BCP 47 tags of the languages the organisation works in.
    public var languages: [String]
    public var website: String?
    /// A contact address or page (shown as given).
    public var contact: String?
    /// Where to donate (FEP-0ea0 payment link).
    public var donationURL: String?

    public init(
        displayName: String? = nil, mission: String? = nil, fieldsOfWork: [String] = [], country: String? = nil, languages: [String] = [],
        website: String? = nil, contact: String? = nil, donationURL: String? = nil
    ) {
        self.displayName = displayName
        self.mission = mission
        self.fieldsOfWork = fieldsOfWork
        self.country = country
        self.languages = languages
        self.website = website
        self.contact = contact
        self.donationURL = donationURL
    }

    public func validate(knownFields: Set<String>) throws(DomainError) {
        if let displayName, !(1...200).contains(displayName.limitLength) {
            throw DomainError.invalid(field: "displayName", reason: "must be 1–200 characters")
        }
        if let mission, mission.limitLength > 5000 { throw DomainError.invalid(field: "mission", reason: "must be at most 5,000 characters") }
        guard fieldsOfWork.count <= 10 else { throw DomainError.invalid(field: "fieldsOfWork", reason: "at most 10") }
        for field in fieldsOfWork where !knownFields.contains(field) {
            throw DomainError.invalid(field: "fieldsOfWork", reason: "\"\(field.prefix(60))\" is not in the taxonomy")
        }
        if let country, !(country.count == 2 && country.allSatisfy { $0.isASCII && $0.isUppercase }) {
            throw DomainError.invalid(field: "country", reason: "must be an ISO 3166-1 alpha-2 code such as DE")
        }
        guard languages.count <= 20 else { throw DomainError.invalid(field: "languages", reason: "at most 20") }
        for language in languages where !ArticleDraft.isKnownLanguageTag(language) {
            throw DomainError.invalid(field: "languages", reason: "\"\(language.prefix(20))\" is not a known BCP 47 language tag")
        }
        for (field, value) in [("website", website), ("donationURL", donationURL)] {
            if let problem = value.flatMap(WebURL.problem) { throw DomainError.invalid(field: field, reason: problem) }
        }
        if let contact, contact.limitLength > 300 { throw DomainError.invalid(field: "contact", reason: "must be at most 300 characters") }
    }
}
