import CivicVocabulary

/// Links an admin gives (a website, a donation page, an event's online place, a call's application
/// form) pass the checks of every IRI the node reads (`IRI.validated`): http(s) with a host, no
/// user name or password, no white space or control characters, at most 2,048 bytes.
public enum WebURL {
    /// Why `text` is not such a URL, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        do {
            _ = try IRI.validated(text)
            return nil
        } catch {
            return error.reason
        }
    }
}
