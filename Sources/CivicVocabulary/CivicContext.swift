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
    ]

    /// The context document as served.
    public static let document: JSONValue = ["@context": terms]

    /// The `@context` of civic content: AS2, Data Integrity, and the civic terms inline.
    public static let documentContext: JSONValue = [.string(AS.context), .string(AS.dataIntegrityContext), terms]
}
