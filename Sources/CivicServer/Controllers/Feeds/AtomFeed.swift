import CivicFederation
import CivicModel
import CivicNode
import CivicVocabulary
import Foundation

/// Renders an organisation's news as an Atom feed (RFC 4287) for feed readers.
enum AtomFeed {
    static func render(actor: ActorProfile, entries: [JSONValue], now: Date) -> String {
        let name = actor.name ?? actor.preferredUsername
        return render(title: name, author: name, feedURL: "\(actor.id)/feed.atom", page: actor.id, entries: entries, now: now)
    }

    static func render(title: String, author: String, feedURL: String, page: String, entries: [JSONValue], now: Date) -> String {
        let dates = entries.compactMap { ($0["updated"] ?? $0["published"])?.stringValue.flatMap(Timestamp.date) }
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <id>\(escape(feedURL))</id>
            <title>\(escape(title))</title>
            <updated>\(Timestamp.string(dates.max() ?? now))</updated>
            <link rel="self" type="application/atom+xml" href="\(escape(feedURL))"/>
            <link rel="alternate" type="text/html" href="\(escape(page))"/>
            <author><name>\(escape(author))</name></author>
            <generator version="\(NodeInfo.version)">CivicHub</generator>

            """
        for entry in entries {
            guard let id = entry["id"]?.stringValue, let link = WebLink.http(entry["url"]?.stringValue) ?? WebLink.http(id),
                  let published = entry["published"]?.stringValue.flatMap(Timestamp.date).map(Timestamp.string)
            else { continue }
            let updated = entry["updated"]?.stringValue.flatMap(Timestamp.date).map(Timestamp.string) ?? published
            let html = entry["content"]?.stringValue ?? ""
            let text = HTMLSanitizer.text(html)
            let title = entry["name"]?.stringValue ?? String(text.split(separator: "\n").first?.prefix(80) ?? "News")
            xml += """
                <entry>
                <id>\(escape(id))</id>
                <title>\(escape(title))</title>
                <published>\(published)</published>
                <updated>\(updated)</updated>
                <link rel="alternate" href="\(escape(link))"/>
                <content type="html">\(escape(html))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }

    /// XML escaping for text and attribute values: as for HTML, which drops every character XML
    /// 1.0 forbids.
    static func escape(_ text: String) -> String { HTML.escape(text) }
}
