import CivicFederation
import CivicModel
import CivicStore
import CivicVocabulary
import Foundation

/// The operator's block list: domains (`host` blocks the host on any port and its subdomains,
/// `host:port` that authority only) and single actors. A blocked party's requests are refused
/// before any key is fetched, nothing is fetched from or delivered to it, content naming it as
/// author or origin is not stored (also when another actor announces it), and what the node
/// had from it is removed when the block is added.
package struct BlockUseCase: Sendable {
    let node: Node

    package init(node: Node) {
        self.node = node
    }

    /// What adding a block removed.
    package struct Outcome: Sendable, Equatable {
        package var block: BlockRecord
        package var removedActors: Int
        package var removedObjects: Int
        package var failedDeliveries: Int
    }

    /// Reads the stored list into memory; call once when the node opens.
    package func load() async throws {
        let blocks = try await node.database.blocks()
        node.blocks.replace(
            domains: blocks.filter { $0.kind == .domain }.map(\.value), actors: blocks.filter { $0.kind == .actor }.map(\.value))
    }

    package func list() async throws -> [BlockRecord] {
        try await node.database.blocks()
    }

    /// Blocks a domain (`host` or `host:port`).
    package func block(domain text: String, reason: String?) async throws -> Outcome {
        guard let domain = BlockList.domain(text) else {
            // Ids never name a default port (https://x.org:443/ is https://x.org/), so neither can a block.
            for port in [":443", ":80"] where text.hasSuffix(port) {
                if let host = BlockList.domain(String(text.dropLast(port.count))) {
                    throw DomainError.invalid(field: "domain", reason: "\(port.dropFirst()) is a default port, which ids leave out: block \(host) (every port)")
                }
            }
            if !text.hasPrefix("["), IRI.canonicalIPv6(text) != nil {
                throw DomainError.invalid(field: "domain", reason: "an IPv6 address is written in brackets, as in ids: [\(text)]")
            }
            throw DomainError.invalid(field: "domain", reason: "\"\(text.prefix(100))\" is not a host name (host or host:port)")
        }
        // `host` covers the host on every port: a block of this node's host would cover the node.
        guard !BlockList(domains: [domain]).blocks(node.uris.instanceActor) else {
            throw DomainError.invalid(field: "domain", reason: "this node cannot block itself")
        }
        return try await add(BlockRecord(value: domain, kind: .domain, reason: try Self.reason(reason), createdAt: node.clock.now))
    }

    /// Blocks one remote actor by its IRI.
    package func block(actor text: String, reason: String?) async throws -> Outcome {
        let actor = IRI.withoutFragment(text.trimmingCharacters(in: .whitespaces))
        guard (try? IRI.validated(actor)) != nil else {
            throw DomainError.invalid(field: "actor", reason: "\"\(text.prefix(100))\" is not an http(s) actor IRI")
        }
        guard !node.uris.isLocal(actor) else {
            throw DomainError.invalid(field: "actor", reason: "local actors are managed here, not blocked")
        }
        return try await add(BlockRecord(value: actor, kind: .actor, reason: try Self.reason(reason), createdAt: node.clock.now))
    }

    /// Lifts a block on a domain (`host` or `host:port`) or, with `actor`, on an actor IRI.
    package func unblock(_ value: String, actor: Bool = false) async throws {
        let key = actor ? IRI.withoutFragment(value.trimmingCharacters(in: .whitespaces)) : BlockList.domain(value) ?? value
        guard try await node.database.unblock(key, kind: actor ? .actor : .domain) else {
            throw DomainError.notFound("block.notFound", "\(value.prefix(100)) is not blocked")
        }
        try await load()
    }

    private func add(_ record: BlockRecord) async throws -> Outcome {
        // The list in memory first, so nothing from the blocked party is taken while the old
        // content is being removed.
        var domains: [String] = [], actors: [String] = []
        for existing in try await node.database.blocks() + [record] {
            if existing.kind == .domain { domains.append(existing.value) } else { actors.append(existing.value) }
        }
        node.blocks.replace(domains: domains, actors: actors)
        let single = BlockList(domains: record.kind == .domain ? [record.value] : [], actors: record.kind == .actor ? [record.value] : [])
        let removed = try await node.database.block(record, at: node.clock.now) { single.blocks($0) }
        node.logger.notice("block.added", metadata: [
            "block.value": "\(record.value)", "block.actors": "\(removed.actors)", "block.objects": "\(removed.objects)",
        ])
        return Outcome(block: record, removedActors: removed.actors, removedObjects: removed.objects, failedDeliveries: removed.deliveries)
    }

    private static func reason(_ text: String?) throws -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        guard text.limitLength <= 500 else { throw DomainError.invalid(field: "reason", reason: "at most 500 characters") }
        return text
    }
}
