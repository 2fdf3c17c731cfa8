import Foundation

/// Links an admin gives (a website, a donation page, an event's online place, a call's application
/// form): absolute http(s) URLs with a host, no user name or password, no white space or control
/// characters, at most 2,048 characters.
public enum WebURL {
    /// Why `text` is not such a URL, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        guard text.limitLength <= 2048 else { return "must be at most 2,048 characters" }
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
              !text.unicodeScalars.contains(where: { $0.value <= 0x20 || (0x7F...0x9F).contains($0.value) }),
              let url = URL(string: text), url.host != nil
        else { return "must be an http(s) URL" }
        guard url.user == nil, url.password == nil else { return "must not carry a user name or password" }
        return nil
    }
}
