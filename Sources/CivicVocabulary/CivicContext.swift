/// The JSON-LD terms of the civic vocabulary (`civic:`), published as
/// `Federation/civic-context.jsonld` and served at `/ns/civic`. Documents carry the terms inline
/// in their `@context`, so no processor has to fetch them.
public enum CivicContext {
    public static let terms: JSONValue = [
        "civic": .string(FieldOfWork.namespace),
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "kind": "civic:kind",
        "fieldOfWork": ["@id": "civic:fieldOfWork", "@type": "@id"],
        "funding": "civic:funding",
        "FundingDetails": "civic:FundingDetails",
        "deadline": ["@id": "civic:deadline", "@type": "xsd:dateTime"],
        "minAmount": ["@id": "civic:minAmount", "@type": "xsd:decimal"],
        "maxAmount": ["@id": "civic:maxAmount", "@type": "xsd:decimal"],
        "currency": "civic:currency",
        "eligibility": "civic:eligibility",
        "applicationURL": ["@id": "civic:applicationURL", "@type": "@id"],
        "funder": "civic:funder",
        "Hashtag": "https://www.w3.org/ns/activitystreams#Hashtag",
        // Events: FEP-8a8e terms, and schema.org for places and capacity.
        "fep8a8e": "https://w3id.org/fep/8a8e/",
        "timezone": "fep8a8e:timezone",
        "joinMode": "fep8a8e:joinMode",
        "externalParticipationUrl": ["@id": "fep8a8e:externalParticipationUrl", "@type": "@id"],
        "eventStatus": ["@id": "fep8a8e:eventStatus", "@type": "@vocab"],
        "EventScheduled": "fep8a8e:EventScheduled",
        "EventTentative": "fep8a8e:EventTentative",
        "EventCancelled": "fep8a8e:EventCancelled",
        "EventPostponed": "fep8a8e:EventPostponed",
        "EventRescheduled": "fep8a8e:EventRescheduled",
        "EventMovedOnline": "fep8a8e:EventMovedOnline",
        "category": "fep8a8e:category",
        "organizers": ["@id": "fep8a8e:organizers", "@type": "@id"],
        "attendees": ["@id": "fep8a8e:attendees", "@type": "@id"],
        "sc": "https://schema.org/",
        "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
        "address": "sc:address",
        "PostalAddress": "sc:PostalAddress",
        "streetAddress": "sc:streetAddress",
        "postalCode": "sc:postalCode",
        "addressLocality": "sc:addressLocality",
        "addressCountry": "sc:addressCountry",
        "VirtualLocation": "sc:VirtualLocation",
    ]

    /// The context document as served.
    public static let document: JSONValue = ["@context": terms]

    /// The `@context` of civic content: AS2, Data Integrity, and the civic terms inline.
    public static let documentContext: JSONValue = [.string(AS.context), .string(AS.dataIntegrityContext), terms]
}
