import CivicModel
import CivicNode

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
        guard webcal, let schemeEnd = url.range(of: "://") else { return url }
        return "webcal" + url[schemeEnd.lowerBound...]
    }

    static func home(node: Node, organizations: [ActorProfile]) -> String {
        let items = organizations.map { "<li><a href=\"\(HTML.escape($0.id))\">\(HTML.escape($0.name ?? $0.preferredUsername))</a> @\(HTML.escape($0.handle))</li>" }
        return page(
            title: "CivicHub · \(node.uris.authority)",
            body: "<main><h1>CivicHub node \(HTML.escape(node.uris.authority))</h1><h2>Organisations</h2><ul>\(items.joined())</ul></main>")
    }
}
