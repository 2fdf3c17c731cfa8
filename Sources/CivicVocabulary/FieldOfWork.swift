/// The fields of work organisations and their content are tagged with: a small shared taxonomy,
/// so that search and recommendations match across nodes and languages. Published as
/// `Federation/taxonomy/fields-of-work.json`; a test keeps the two identical.
public struct FieldOfWork: Sendable, Equatable {
    /// Stable slug, e.g. `digital-rights`.
    public var id: String
    /// Labels by language (en, de, fr at least).
    public var labels: [String: String]

    /// The namespace of the civic vocabulary; a field's IRI is `namespace + "field/" + id`.
    public static let namespace = "https://w3id.org/civichub/ns#"

    /// The field's IRI, used as `civic:fieldOfWork`.
    public var iri: String { "\(Self.namespace)field/\(id)" }

    /// The field whose id or IRI is `text`.
    public static func named(_ text: String) -> FieldOfWork? {
        all.first { $0.id == text || $0.iri == text }
    }

    public static let all: [FieldOfWork] = [
        .init(id: "democracy-participation", labels: ["en": "Democracy & participation", "de": "Demokratie & Beteiligung", "fr": "Démocratie et participation"]),
        .init(id: "human-rights", labels: ["en": "Human rights", "de": "Menschenrechte", "fr": "Droits humains"]),
        .init(id: "rule-of-law", labels: ["en": "Rule of law", "de": "Rechtsstaatlichkeit", "fr": "État de droit"]),
        .init(id: "media-freedom", labels: ["en": "Media freedom", "de": "Pressefreiheit", "fr": "Liberté des médias"]),
        .init(id: "digital-rights", labels: ["en": "Digital rights", "de": "Digitale Rechte", "fr": "Droits numériques"]),
        .init(id: "climate", labels: ["en": "Climate", "de": "Klima", "fr": "Climat"]),
        .init(id: "environment", labels: ["en": "Environment & biodiversity", "de": "Umwelt & Artenvielfalt", "fr": "Environnement et biodiversité"]),
        .init(id: "migration", labels: ["en": "Migration & asylum", "de": "Migration & Asyl", "fr": "Migration et asile"]),
        .init(id: "social-inclusion", labels: ["en": "Social inclusion", "de": "Soziale Teilhabe", "fr": "Inclusion sociale"]),
        .init(id: "education", labels: ["en": "Education", "de": "Bildung", "fr": "Éducation"]),
        .init(id: "youth", labels: ["en": "Youth", "de": "Jugend", "fr": "Jeunesse"]),
        .init(id: "gender-equality", labels: ["en": "Gender equality", "de": "Geschlechtergerechtigkeit", "fr": "Égalité des genres"]),
        .init(id: "anti-corruption", labels: ["en": "Anti-corruption & transparency", "de": "Korruptionsbekämpfung & Transparenz", "fr": "Lutte contre la corruption et transparence"]),
        .init(id: "health", labels: ["en": "Health", "de": "Gesundheit", "fr": "Santé"]),
        .init(id: "culture", labels: ["en": "Culture & arts", "de": "Kultur & Kunst", "fr": "Culture et arts"]),
        .init(id: "anti-discrimination", labels: ["en": "Anti-discrimination & anti-racism", "de": "Antidiskriminierung & Antirassismus", "fr": "Lutte contre les discriminations et le racisme"]),
        .init(id: "civic-space", labels: ["en": "Civic space & freedom of association", "de": "Zivilgesellschaftlicher Handlungsraum", "fr": "Espace civique et liberté d'association"]),
        .init(id: "european-integration", labels: ["en": "European integration", "de": "Europäische Integration", "fr": "Intégration européenne"]),
        .init(id: "peace-security", labels: ["en": "Peace & conflict prevention", "de": "Frieden & Konfliktprävention", "fr": "Paix et prévention des conflits"]),
        .init(id: "poverty-social-justice", labels: ["en": "Poverty & social justice", "de": "Armut & soziale Gerechtigkeit", "fr": "Pauvreté et justice sociale"]),
        .init(id: "labour-rights", labels: ["en": "Labour rights", "de": "Arbeitsrechte", "fr": "Droits des travailleurs"]),
        .init(id: "housing-urban", labels: ["en": "Housing & urban development", "de": "Wohnen & Stadtentwicklung", "fr": "Logement et développement urbain"]),
        .init(id: "rural-development", labels: ["en": "Rural development", "de": "Ländliche Entwicklung", "fr": "Développement rural"]),
        .init(id: "disability-rights", labels: ["en": "Disability rights", "de": "Rechte von Menschen mit Behinderung", "fr": "Droits des personnes handicapées"]),
        .init(id: "lgbtqi-rights", labels: ["en": "LGBTQI+ rights", "de": "LGBTQI+-Rechte", "fr": "Droits LGBTQI+"]),
        .init(id: "consumer-protection", labels: ["en": "Consumer protection", "de": "Verbraucherschutz", "fr": "Protection des consommateurs"]),
        .init(id: "civic-tech", labels: ["en": "Civic tech & open data", "de": "Civic Tech & offene Daten", "fr": "Civic tech et données ouvertes"]),
        .init(id: "volunteering", labels: ["en": "Volunteering", "de": "Ehrenamt", "fr": "Bénévolat"]),
    ]
}

extension FieldOfWork {
    /// The English label as a hashtag Mastodon users can follow: `#DemocracyParticipation`.
    public var hashtag: String {
        let words = (labels["en"] ?? id).split { !$0.isLetter && !$0.isNumber }
        return "#" + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
