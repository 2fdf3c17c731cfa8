import Foundation

/// An event as its organiser enters it (FEP-8a8e), validated before anything is published.
public struct EventDraft: Sendable, Equatable {
    /// Where an event happens: a place, a link, or both (hybrid).
    public struct Location: Sendable, Equatable, Codable {
        public var name: String?
        public var streetAddress: String?
        public var postalCode: String?
        public var locality: String?
        /// ISO 3166-1 alpha-2 country code.
        public var country: String?
        /// Where to join online.
        public var url: String?

        public init(
            name: String? = nil, streetAddress: String? = nil, postalCode: String? = nil, locality: String? = nil,
            country: String? = nil, url: String? = nil
        ) {
            self.name = name
            self.streetAddress = streetAddress
            self.postalCode = postalCode
            self.locality = locality
            self.country = country
            self.url = url
        }

        /// True when it names a physical place.
        public var hasPlace: Bool { [name, streetAddress, postalCode, locality, country].contains { $0 != nil } }
    }

    public var name: String
    public var description: String?
    public var startTime: Date
    public var endTime: Date?
    /// IANA time zone of the event, e.g. `Europe/Berlin`.
    public var timezone: String
    public var location: Location?
    /// Joins beyond this many are rejected; nil for no limit.
    public var maximumAttendeeCapacity: Int?
    /// Ids from the fields-of-work taxonomy (checked by the use case, which knows the taxonomy).
    public var fieldsOfWork: [String] = []
    /// Who may take part: anyone (`free`), those the organiser approves (`restricted`), or
    /// whoever registers at `externalParticipationUrl` (`external`).
    public var joinMode: JoinMode = .free
    /// Where to register when joins are not taken here (an http(s) or mailto URL).
    public var externalParticipationUrl: String?
    /// Whether it takes place as planned (FEP-8a8e `eventStatus`).
    public var status: Status = .scheduled
    /// FEP-8a8e event categories, e.g. `WORKSHOPS_SKILL_SHARING`.
    public var categories: [String] = []

    /// How joins are answered (Mobilizon's and FEP-8a8e's `joinMode`).
    public enum JoinMode: String, Sendable, Codable, TextChoice {
        case free, restricted, external
    }

    /// FEP-8a8e `eventStatus` values.
    public enum Status: String, Sendable, Codable, TextChoice {
        case scheduled = "EventScheduled"
        case tentative = "EventTentative"
        case cancelled = "EventCancelled"
        case postponed = "EventPostponed"
        case rescheduled = "EventRescheduled"
        case movedOnline = "EventMovedOnline"
    }

    /// FEP-8a8e's recommended set of event categories.
    public static let knownCategories: Set<String> = [
        "ARTS", "AUTO_BOAT_AIR", "BOOK_CLUBS", "BUSINESS", "CAUSES", "CLIMATE_ENVIRONMENT", "COMMUNITY", "COMEDY", "CRAFTS",
        "CREATIVE_JAM", "DIY_MAKER_SPACES", "FAMILY_EDUCATION", "FASHION_BEAUTY", "FESTIVALS", "FILM_MEDIA", "FOOD_DRINK", "GAMES",
        "INCLUSIVE_SPACES", "LANGUAGE_CULTURE", "LEARNING", "LGBTQ", "MEETING", "MEDITATION_WELLBEING", "MOVEMENTS_POLITICS", "MUSIC",
        "NETWORKING", "OUTDOORS_ADVENTURE", "PARTY", "PERFORMING_VISUAL_ARTS", "PETS", "PHOTOGRAPHY", "SCIENCE_TECH",
        "SPIRITUALITY_RELIGION_BELIEFS", "SPORTS", "THEATRE", "WORKSHOPS_SKILL_SHARING",
    ]

    public init(
        name: String, description: String?, startTime: Date, endTime: Date?, timezone: String, location: Location?,
        maximumAttendeeCapacity: Int? = nil
    ) {
        self.name = name
        self.description = description
        self.startTime = startTime
        self.endTime = endTime
        self.timezone = timezone
        self.location = location
        self.maximumAttendeeCapacity = maximumAttendeeCapacity
    }

    /// Refuses what no calendar could show, naming the field.
    public func validate() throws(DomainError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.limitLength <= 200 else {
            throw DomainError.invalid(field: "name", reason: "must be 1–200 characters")
        }
        if let description, description.limitLength > 10_000 {
            throw DomainError.invalid(field: "description", reason: "must be at most 10,000 characters")
        }
        if let endTime, endTime <= startTime {
            throw DomainError.invalid(field: "endTime", reason: "must be after startTime")
        }
        guard TimeZone(identifier: timezone) != nil, timezone.contains("/") || timezone == "UTC" else {
            throw DomainError.invalid(field: "timezone", reason: "must be an IANA time zone such as Europe/Berlin")
        }
        if let capacity = maximumAttendeeCapacity, !(1...1_000_000).contains(capacity) {
            throw DomainError.invalid(field: "maximumAttendeeCapacity", reason: "must be between 1 and 1,000,000")
        }
        guard categories.count <= 3 else { throw DomainError.invalid(field: "category", reason: "at most 3 categories") }
        for category in categories where !Self.knownCategories.contains(category) {
            throw DomainError.invalid(
                field: "category", reason: "\"\(category.prefix(40))\" is not an FEP-8a8e category such as WORKSHOPS_SKILL_SHARING")
        }
        if let url = externalParticipationUrl {
            if url.lowercased().hasPrefix("mailto:") {
                guard url.limitLength <= 2048, URL(string: url) != nil else {
                    throw DomainError.invalid(field: "externalParticipationUrl", reason: "must be an http(s) or mailto URL")
                }
            } else if let problem = WebURL.problem(url) {
                throw DomainError.invalid(field: "externalParticipationUrl", reason: problem)
            }
        }
        if joinMode == .external, externalParticipationUrl == nil {
            throw DomainError.invalid(field: "externalParticipationUrl", reason: "is required when joinMode is external")
        }
        guard let location else { return }
        for (field, value) in [("location.name", location.name), ("location.streetAddress", location.streetAddress),
                               ("location.postalCode", location.postalCode), ("location.locality", location.locality)] {
            if let value, value.limitLength > 200 { throw DomainError.invalid(field: field, reason: "must be at most 200 characters") }
        }
        if let country = location.country, !(country.count == 2 && country.allSatisfy { $0.isASCII && $0.isUppercase }) {
            throw DomainError.invalid(field: "location.country", reason: "must be an ISO 3166-1 alpha-2 code such as DE")
        }
        if let problem = location.url.flatMap(WebURL.problem) { throw DomainError.invalid(field: "location.url", reason: problem) }
        guard location.hasPlace || location.url != nil else {
            throw DomainError.invalid(field: "location", reason: "needs a place, an online URL, or both")
        }
    }
}
