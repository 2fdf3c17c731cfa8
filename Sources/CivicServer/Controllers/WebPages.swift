import CivicFederation
import CivicModel
import CivicNode
import CivicVocabulary
import Foundation

/// Minimal HTML for browsers; every value is escaped.
enum WebPages {
    static func page(title: String, head: String = "", body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(HTML.escape(title))</title>\(head)</head>
        <body>\(body)</body></html>
        """
    }

    static func actor(_ actor: ActorProfile) -> String {
        page(
            title: actor.name ?? actor.preferredUsername,
            head: """
                <link rel="alternate" type="application/atom+xml" href="\(HTML.escape(actor.id))/feed.atom">
                <link rel="alternate" type="application/activity+json" href="\(HTML.escape(actor.id))">
                """,
            body: """
                <main><h1>\(HTML.escape(actor.name ?? actor.preferredUsername))</h1>
                <p>@\(HTML.escape(actor.handle))</p>
                \(actor.summary.map { "<p>\(HTML.escape($0))</p>" } ?? "")
                <p>Events calendar: <a href="\(HTML.escape(calendarURL(actor, webcal: true)))">subscribe (webcal)</a>
                · <a href="\(HTML.escape(calendarURL(actor, webcal: false)))">download (https)</a></p>
                <p>News: <a href="\(HTML.escape(actor.id))/feed.atom">Atom feed</a></p>
                </main>
                """)
    }

    /// The events feed, as `webcal://` (calendar apps subscribe) or the plain http(s) link.
    static func calendarURL(_ actor: ActorProfile, webcal: Bool) -> String {
        let url = "\(actor.id)/events.ics"
        return webcal ? WebLink.webcal(url) : url
    }

    static func home(node: Node, organizations: [ActorProfile]) -> String {
        let items = organizations.map { "<li><a href=\"\(HTML.escape($0.id))\">\(HTML.escape($0.name ?? $0.preferredUsername))</a> @\(HTML.escape($0.handle))</li>" }
        return page(
            title: "CivicHub · \(node.uris.authority)",
            body: """
                <main><h1>CivicHub node \(HTML.escape(node.uris.authority))</h1>
                <p><a href="/discover">Discover</a> events, reports, guides, funding calls and news from this node and its partners.</p>
                <h2>Organisations</h2><ul>\(items.joined())</ul></main>
                """)
    }

    /// Upcoming events and recent publications, local and received; remote text was sanitised
    /// when stored and is shown as text here, links only when http(s).
    static func discover(
        node: Node, field: FieldOfWork?, events: [JSONValue], publications: [JSONValue], authors: [String: String]
    ) -> String {
        let query = field.map { "/fields/\($0.id)" } ?? ""
        let calendar = "\(node.uris.base)/feeds/discover\(query)/events.ics"
        let webcal = WebLink.webcal(calendar)
        let fields = FieldOfWork.all.map { known in
            known.id == field?.id
                ? "<strong>\(HTML.escape(known.labels["en"] ?? known.id))</strong>"
                : "<a href=\"/discover?field=\(HTML.escape(known.id))\">\(HTML.escape(known.labels["en"] ?? known.id))</a>"
        }
        let eventItems = events.compactMap { event -> String? in
            guard let name = event["name"]?.stringValue, let start = event["startTime"]?.stringValue.flatMap(Timestamp.date) else { return nil }
            let zoneName = event["timezone"]?.stringValue.flatMap { CalendarFeed.ianaZones.contains($0) ? $0 : nil } ?? "UTC"
            let zone = TimeZone(identifier: zoneName) ?? .current
            let status = CalendarFeed.status(of: event) == "CANCELLED" ? " <strong>cancelled</strong>" : ""
            let place = CalendarFeed.locationText(event["location"]).map { " · \(HTML.escape($0))" } ?? ""
            return "<li>\(link(event, text: name)) — \(HTML.escape(display(start, zone, named: zoneName)))\(status)\(place)\(byline(event, authors))</li>"
        }
        let publicationItems = publications.compactMap { item -> String? in
            let text = HTMLSanitizer.text(item["content"]?.stringValue ?? "")
            let title = item["name"]?.stringValue ?? String(text.split(separator: "\n").first?.prefix(120) ?? "")
            guard !title.isEmpty else { return nil }
            let kind = item["kind"]?.stringValue.flatMap { ArticleDraft.Kind(rawValue: $0) }.map(label) ?? "News"
            let date = item["published"]?.stringValue.flatMap(Timestamp.date).map { " · \(HTML.escape(display($0, TimeZone(identifier: "UTC") ?? .current, named: nil)))" } ?? ""
            return "<li>\(link(item, text: title)) — \(HTML.escape(kind))\(date)\(byline(item, authors))</li>"
        }
        return page(
            title: "Discover · \(node.uris.authority)" + (field.flatMap { $0.labels["en"] }.map { " · \($0)" } ?? ""),
            head: """
                <link rel="alternate" type="application/atom+xml" href="\(HTML.escape(node.uris.base))/feeds/discover\(HTML.escape(query))/news.atom">
                """,
            body: """
                <main><h1>Discover</h1>
                <p>From the organisations on \(HTML.escape(node.uris.authority)) and those they follow.
                Calendar: <a href="\(HTML.escape(webcal))">subscribe (webcal)</a> · <a href="\(HTML.escape(calendar))">download (https)</a>
                · <a href="\(HTML.escape(node.uris.base))/feeds/discover\(HTML.escape(query))/news.atom">Atom feed</a></p>
                <p>Fields of work: <a href="/discover">all</a> · \(fields.joined(separator: " · "))</p>
                <h2>Upcoming events</h2><ul>\(eventItems.joined())</ul>
                <h2>Reports, guides, funding calls and news</h2><ul>\(publicationItems.joined())</ul>
                </main>
                """)
    }

    /// The object's title linked to its page (its `url`, else its id) when that is http(s).
    private static func link(_ object: JSONValue, text: String) -> String {
        guard let url = WebLink.http(object["url"]?.stringValue) ?? WebLink.http(object["id"]?.stringValue) else {
            return HTML.escape(text)
        }
        return "<a href=\"\(HTML.escape(url))\" rel=\"nofollow noopener\">\(HTML.escape(text))</a>"
    }

    private static func byline(_ object: JSONValue, _ authors: [String: String]) -> String {
        guard let author = object["attributedTo"]?.iris.first else { return "" }
        let name = authors[author] ?? URL(string: author)?.host ?? author
        return " · by \(HTML.escape(name))"
    }

    /// `2026-12-01 18:00 (Europe/Berlin)` in the zone so named, or the date alone without a name.
    private static func display(_ date: Date, _ zone: TimeZone, named name: String?) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        guard let name else { return day }
        return day + String(format: " %02d:%02d (%@)", parts.hour ?? 0, parts.minute ?? 0, name)
    }

    private static func label(_ kind: ArticleDraft.Kind) -> String {
        switch kind {
        case .experienceReport: "Experience report"
        case .bestPractice: "Best practice"
        case .strategyGuide: "Strategy guide"
        case .toolReview: "Tool review"
        case .fundingCall: "Funding call"
        }
    }
}
