import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary

/// Reports (`Flag`) that other servers' moderators forward about this node's organisations and
/// their content (Mastodon's "forward to the remote server"), kept for the operator.
package struct ReportUseCase: Sendable {
    let node: Node
    /// Most reported IRIs kept from one report.
    static let maxObjects = 100
    /// Longest comment kept, in code points.
    static let maxComment = 2_000

    package init(node: Node) {
        self.node = node
    }

    func register(into listeners: inout InboxListeners) {
        listeners.on(.flag) { try await receiveFlag($0) }
    }

    /// The reports received, newest first.
    package func list(limit: Int = 100) async throws -> [ReportRecord] {
        try await node.database.reports(limit: limit)
    }

    /// Keeps a report naming at least one actor or object of this node; what it names elsewhere
    /// is not this node's to judge and is left out. The comment is kept as plain text.
    func receiveFlag(_ activity: InboxActivity) async throws {
        var objects: [String] = []
        for iri in activity.document["object"]?.iris ?? [] where objects.count < Self.maxObjects {
            guard node.uris.isLocal(iri), (try? IRI.validated(iri)) != nil, !objects.contains(iri) else { continue }
            objects.append(iri)
        }
        guard !objects.isEmpty else {
            node.logger.info("report.ignored", metadata: ["activity.id": "\(activity.id)", "reason": "names nothing on this node"])
            return
        }
        let comment = activity.document["content"]?.stringValue
            .map { String(String.UnicodeScalarView(HTMLSanitizer.text($0).unicodeScalars.prefix(Self.maxComment))) }
        try await node.database.saveReport(ReportRecord(
            activityId: activity.id, reporterId: activity.actorID, objects: objects, comment: comment?.isEmpty == false ? comment : nil,
            receivedAt: node.clock.now))
        node.logger.notice("report.received", metadata: ["activity.id": "\(activity.id)", "report.by": "\(activity.actorID)"])
    }
}
