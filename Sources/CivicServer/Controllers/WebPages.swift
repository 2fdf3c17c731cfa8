import CivicModel
import CivicNode

/// Minimal HTML for browsers; every value is escaped.
enum WebPages {
    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(HTML.escape(title))</title></head>
        <body>\(body)</body></html>
        """
    }

    static func actor(_ actor: ActorProfile) -> String {
        page(
            title: actor.name ?? actor.preferredUsername,
            body: """
                <main><h1>\(HTML.escape(actor.name ?? actor.preferredUsername))</h1>
                <p>@\(HTML.escape(actor.handle))</p>
                \(actor.summary.map { "<p>\(HTML.escape($0))</p>" } ?? "")
                </main>
                """)
    }

    static func home(node: Node, organizations: [ActorProfile]) -> String {
        let items = organizations.map { "<li><a href=\"\(HTML.escape($0.id))\">\(HTML.escape($0.name ?? $0.preferredUsername))</a> @\(HTML.escape($0.handle))</li>" }
        return page(
            title: "CivicHub · \(node.uris.authority)",
            body: "<main><h1>CivicHub node \(HTML.escape(node.uris.authority))</h1><h2>Organisations</h2><ul>\(items.joined())</ul></main>")
    }
}
