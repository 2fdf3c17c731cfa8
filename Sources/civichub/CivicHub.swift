import ArgumentParser
import CMallocArenas
import CivicFederation
import CivicModel
import CivicNode
import CivicServer
import CivicStore
import CivicVocabulary
import Foundation
import Hummingbird
import Logging

@main
struct CivicHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civichub",
        abstract: "A self-hosted, federated ActivityPub node for civil-society organisations.",
        subcommands: [Serve.self, Init.self, Org.self, Follow.self, Post.self, Queue.self, Backup.self, Restore.self])
}

/// Options every command takes: where the data is and how the node is configured.
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory holding the SQLite database (default ./data).")
    var data: String?

    @Option(name: .long, help: "Config file of 'key = value' lines (see Config/civichub.conf).")
    var config: String?

    @Option(name: .customLong("public-url"), help: "URL the world reaches this node at (default http://HOST:PORT).")
    var publicURL: String?

    @Option(name: .customLong("allowed-private-addresses"), help: "Comma-separated CIDR ranges outbound requests may reach although private (e.g. 127.0.0.1/32 for a loopback testbed).")
    var allowedPrivateAddresses: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(name: .customLong("federation-mode"), help: "open (any server may deliver).")
    var federationMode: String?

    func load(extra: [String: String] = [:]) throws -> NodeConfiguration {
        var overrides = extra
        overrides["data_dir"] = data
        overrides["public_url"] = publicURL
        overrides["allowed_private_addresses"] = allowedPrivateAddresses
        overrides["log_level"] = logLevel
        overrides["federation_mode"] = federationMode
        do {
            return try NodeConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment, overrides: overrides)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

/// Bootstraps logging, opens the node, runs `body`, and always closes the node's HTTP client.
/// Refusals from the layers below become a non-zero exit with their message.
func withNode<T>(_ configuration: NodeConfiguration, _ body: (Node, String?) async throws -> T) async throws -> T {
    var logger = Logger(label: "civichub")
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    let node: Node
    let token: String?
    do {
        (node, token) = try await NodeBootstrap.open(configuration, logger: logger)
    } catch let error as ConfigurationError {
        throw ValidationError(error.description)
    }
    do {
        let result = try await body(node, token)
        try await node.shutdown()
        return result
    } catch {
        try await node.shutdown()
        if let refusal = error as? DomainError { throw ValidationError(refusal.message) }
        throw error
    }
}

func printToken(_ token: String?) {
    guard let token else { return }
    print("""
        Admin API token (shown once, store it now):
          \(token)
        """)
    fflush(nil)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the node: HTTP server, inbox and delivery workers.")

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (default 8080).")
    var port: Int?

    func run() async throws {
        // Hummingbird's `Date` header formatter builds a Gregorian `Calendar`, which starts from the
        // default time zone. Left unset, Foundation makes that an ICU zone read from /etc/localtime,
        // and paging in ICU's zone data costs ~1.8 MiB of resident memory at start. Nothing in the
        // node formats dates in Foundation's default zone (documents are in UTC, swift-log stamps
        // with the C library's local time), so the default is UTC.
        NSTimeZone.default = .gmt
        var extra: [String: String] = [:]
        extra["host"] = host
        extra["port"] = port.map(String.init)
        let configuration = try options.load(extra: extra)
        try await withNode(configuration) { node, token in
            printToken(token)
            let arenas = civichub_malloc_arena_cap()
            node.logger.info("malloc arenas: \(arenas > 0 ? "at most \(arenas)" : "as the environment sets")")
            let app = buildApplication(node: node, configuration: configuration) { port in
                print("civichub serving \(node.uris.base) on \(configuration.host):\(port)")
                fflush(nil)
            }
            try await app.runService()
        }
    }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the data directory, database and instance keys; print the first admin token.")

    @OptionGroup var options: NodeOptions

    @Flag(name: .customLong("new-token"), help: "Issue another admin token even if one exists.")
    var newToken = false

    func run() async throws {
        try await withNode(try options.load()) { node, token in
            if let token {
                printToken(token)
            } else if newToken {
                printToken(try await AdminTokenUseCase(node: node).issueToken())
            } else {
                print("Node \(node.uris.base) is initialised (admin token issued earlier; use --new-token for another).")
            }
        }
    }
}

struct Org: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the node's organisations.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation actor with fresh keys.")

        @OptionGroup var options: NodeOptions
        @Argument(help: "Short name: a–z, 0–9, '_', '-', '.' (becomes /actors/NAME and NAME@HOST).")
        var name: String
        @Option(name: .customLong("display-name"), help: "Name shown to people.")
        var displayName: String?
        @Option(name: .long, help: "One-paragraph description.")
        var summary: String?

        func run() async throws {
            try await withNode(try options.load()) { node, token in
                printToken(token)
                let actor = try await ActorUseCase(node: node).createOrganization(name: name, displayName: displayName, summary: summary)
                print("Created \(actor.handle) at \(actor.id)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the node's organisations.")

        @OptionGroup var options: NodeOptions

        func run() async throws {
            try await withNode(try options.load()) { node, _ in
                for actor in try await ActorUseCase(node: node).organizations() {
                    print("\(actor.preferredUsername)\t\(actor.handle)\t\(actor.name ?? "")")
                }
            }
        }
    }
}

struct Follow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a local organisation follow a remote actor.",
        discussion: "Resolves HANDLE by WebFinger and queues a signed Follow; a running server delivers it.")

    @OptionGroup var options: NodeOptions
    @Argument(help: "The local organisation's name.")
    var org: String
    @Argument(help: "acct:name@host, name@host or an actor URL.")
    var handle: String

    func run() async throws {
        try await withNode(try options.load()) { node, _ in
            let relation = try await FollowUseCase(node: node).follow(from: org, handle: handle)
            print("\(relation.followerID) → \(relation.followeeID): \(relation.state.rawValue)")
        }
    }
}

struct Post: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish as an organisation.",
        subcommands: [News.self, Event.self, Report.self, Guide.self, Review.self, Funding.self])

    struct News: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish news (a public Note) to the organisation's followers.",
            discussion: "Blank lines separate paragraphs. A running server delivers it.")

        @OptionGroup var options: NodeOptions
        @Option(name: .long, help: "The local organisation's name.")
        var org: String
        @Argument(help: "The text.")
        var text: String

        func run() async throws {
            try await withNode(try options.load()) { node, _ in
                print(try await NewsUseCase(node: node).publish(name: org, text: text))
            }
        }
    }
}

extension Post {
    struct Event: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish an event (FEP-8a8e) to the organisation's followers and its calendar feed.",
            discussion: "Times are RFC 3339, e.g. 2026-12-01T18:00:00+01:00. Give a place, an --online-url, or both.")

        @OptionGroup var options: NodeOptions
        @Option(name: .long, help: "The local organisation's name.") var org: String
        @Option(name: .long, help: "An Event-shaped JSON or YAML file (name, content, startTime, endTime, timezone, location, …) instead of the flags.")
        var file: String?
        @Option(name: .long, help: "Title of the event.") var name: String?
        @Option(name: .long, help: "Start, RFC 3339.") var start: String?
        @Option(name: .long, help: "End, RFC 3339.") var end: String?
        @Option(name: .long, help: "IANA time zone, e.g. Europe/Berlin.") var timezone: String?
        @Option(name: .long, help: "Description (plain text).") var description: String?
        @Option(name: .long, help: "Name of the venue.") var place: String?
        @Option(name: .long, help: "Street and number.") var street: String?
        @Option(name: .customLong("postal-code"), help: "Postal code.") var postalCode: String?
        @Option(name: .long, help: "City.") var locality: String?
        @Option(name: .long, help: "ISO 3166-1 alpha-2 country code, e.g. DE.") var country: String?
        @Option(name: .customLong("online-url"), help: "Where to join online.") var onlineURL: String?
        @Option(name: .long, help: "Maximum number of participants.") var capacity: Int?
        @Option(name: .customLong("field"), help: "A field of work from Federation/taxonomy (repeatable).") var fields: [String] = []
        @Option(name: .customLong("category"), help: "An FEP-8a8e category, e.g. WORKSHOPS_SKILL_SHARING (repeatable).")
        var categories: [String] = []
        @Option(name: .customLong("join-mode"), help: "free (default), restricted (organiser approves) or external.") var joinMode: String?
        @Option(name: .customLong("external-url"), help: "Where to register when --join-mode is external (http(s) or mailto).")
        var externalURL: String?
        @Option(name: .long, help: "EventScheduled (default), EventTentative, EventCancelled, EventPostponed, EventRescheduled or EventMovedOnline.")
        var status: String?

        func draft() throws -> EventDraft {
            if let file { return try DraftFile.event(try DraftFile.load(file)) }
            guard let name, let start, let timezone else { throw ValidationError("give --name, --start and --timezone, or --file") }
            guard let startTime = Timestamp.date(start) else { throw ValidationError("--start must be an RFC 3339 date-time") }
            var endTime: Date?
            if let end {
                guard let parsed = Timestamp.date(end) else { throw ValidationError("--end must be an RFC 3339 date-time") }
                endTime = parsed
            }
            let location = EventDraft.Location(
                name: place, streetAddress: street, postalCode: postalCode, locality: locality, country: country, url: onlineURL)
            var draft = EventDraft(
                name: name, description: description, startTime: startTime, endTime: endTime, timezone: timezone,
                location: location.hasPlace || onlineURL != nil ? location : nil, maximumAttendeeCapacity: capacity)
            draft.fieldsOfWork = fields
            draft.categories = categories
            draft.externalParticipationUrl = externalURL
            if let joinMode {
                guard let mode = EventDraft.JoinMode(rawValue: joinMode) else { throw ValidationError("--join-mode must be free, restricted or external") }
                draft.joinMode = mode
            }
            if let status {
                guard let value = EventDraft.Status(rawValue: status) else { throw ValidationError("--status must be one of \(EventDraft.Status.allCases.map(\.rawValue).joined(separator: ", "))") }
                draft.status = value
            }
            return draft
        }

        func run() async throws {
            let draft = try draft()
            try await withNode(try options.load()) { node, _ in
                print(try await EventUseCase(node: node).publish(name: org, draft: draft))
            }
        }
    }
}

/// Options shared by the article kinds.
struct ArticleOptions: ParsableArguments {
    @Option(name: .long, help: "The local organisation's name.") var org: String
    @Option(name: .long, help: "An Article-shaped JSON file (name, summary, content, language, fieldsOfWork, funding) instead of the flags.")
    var file: String?
    @Option(name: .long, help: "Title.") var title: String?
    @Option(name: .long, help: "One-paragraph summary.") var summary: String?
    @Option(name: .long, help: "The text (plain text; blank lines separate paragraphs).") var content: String?
    @Option(name: .long, help: "BCP 47 language tag of the text, e.g. en, de, fr-BE.") var language = "en"
    @Option(name: .customLong("field"), help: "A field of work from Federation/taxonomy (repeatable).") var fields: [String] = []

    func draft(kind: ArticleDraft.Kind, funding: ArticleDraft.Funding? = nil) throws -> ArticleDraft {
        if let file { return try DraftFile.article(try DraftFile.load(file), kind: kind) }
        guard let title, let content else { throw ValidationError("give --title and --content, or --file") }
        return ArticleDraft(
            kind: kind, title: title, summary: summary, content: content, language: language, fieldsOfWork: fields, funding: funding)
    }

    func publish(_ draft: ArticleDraft, options: NodeOptions) async throws {
        try await withNode(try options.load()) { node, _ in
            print(try await ArticleUseCase(node: node).publish(name: org, draft: draft))
        }
    }
}

extension Post {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish an experience report.")
        @OptionGroup var options: NodeOptions
        @OptionGroup var article: ArticleOptions
        func run() async throws { try await article.publish(try article.draft(kind: .experienceReport), options: options) }
    }

    struct Guide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a best-practice or strategy guide.")
        @OptionGroup var options: NodeOptions
        @OptionGroup var article: ArticleOptions
        @Flag(name: .long, help: "A strategy guide rather than a best-practice guide.") var strategy = false
        func run() async throws {
            try await article.publish(try article.draft(kind: strategy ? .strategyGuide : .bestPractice), options: options)
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a review of a cooperation tool.")
        @OptionGroup var options: NodeOptions
        @OptionGroup var article: ArticleOptions
        func run() async throws { try await article.publish(try article.draft(kind: .toolReview), options: options) }
    }

    struct Funding: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a funding call.")
        @OptionGroup var options: NodeOptions
        @OptionGroup var article: ArticleOptions
        @Option(name: .long, help: "Application deadline, RFC 3339.") var deadline: String?
        @Option(name: .customLong("min"), help: "Smallest grant.") var minAmount: Double?
        @Option(name: .customLong("max"), help: "Largest grant.") var maxAmount: Double?
        @Option(name: .long, help: "ISO 4217 currency, e.g. EUR.") var currency: String?
        @Option(name: .long, help: "Who may apply.") var eligibility: String?
        @Option(name: .customLong("apply-url"), help: "Where to apply.") var applyURL: String?
        @Option(name: .long, help: "Who funds it.") var funder: String?

        func run() async throws {
            var funding: ArticleDraft.Funding?
            if article.file == nil {
                guard let deadline, let applyURL else { throw ValidationError("give --deadline and --apply-url, or --file") }
                guard let date = Timestamp.date(deadline) else { throw ValidationError("--deadline must be an RFC 3339 date-time") }
                funding = ArticleDraft.Funding(
                    deadline: date, minAmount: minAmount, maxAmount: maxAmount, currency: currency, eligibility: eligibility,
                    applicationURL: applyURL, funder: funder)
            }
            try await article.publish(try article.draft(kind: .fundingCall, funding: funding), options: options)
        }
    }
}

struct Queue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect and prune the inbox and delivery queues.", subcommands: [Status.self, Prune.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts of inbox items and deliveries by state, and unavailable hosts.")

        @OptionGroup var options: NodeOptions

        func run() async throws {
            try await withNode(try options.load()) { node, _ in
                let status = try await QueueUseCase(node: node).status()
                for (name, counts) in [("inbox", status.inbox), ("deliveries", status.deliveries)] {
                    let text = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                    print("\(name): \(text.isEmpty ? "empty" : text)")
                }
                print("unavailable hosts: \(status.unavailableHosts.isEmpty ? "none" : status.unavailableHosts.joined(separator: ", "))")
            }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete inbox items and deliveries that finished more than N days ago; pending ones stay.",
            discussion: "A running node does this hourly with queue_retention_days; this does it now, e.g. with a shorter window.")

        @OptionGroup var options: NodeOptions
        @Option(help: "Days of finished rows to keep (default: queue_retention_days; 0 deletes every finished row).") var days: Int?

        func run() async throws {
            let configuration = try options.load()
            guard let days = days ?? (configuration.queueRetentionDays > 0 ? configuration.queueRetentionDays : nil) else {
                throw ValidationError("queue_retention_days is 0 (keep finished rows); give --days N to prune anyway")
            }
            let range = NodeConfiguration.queueRetentionRange
            guard range.contains(days) else { throw ValidationError("--days must be whole days \(range.lowerBound)–\(range.upperBound), got \(days)") }
            try await withNode(configuration) { node, _ in
                let pruned = try await QueueUseCase(node: node).prune(olderThanDays: days)
                print("deleted \(pruned.inboxItems) inbox items and \(pruned.deliveries) deliveries that finished more than \(days) days ago")
            }
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the node's database to a new file, while the node runs.",
        discussion: "Uses SQLite's online backup: the node keeps serving and writing. Restore with `civichub restore`.")

    @OptionGroup var options: NodeOptions
    @Argument(help: "The file to write (must not exist).") var file: String

    func run() async throws {
        let configuration = try options.load()
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw ValidationError("no database at \(configuration.databasePath); give the node's --data directory")
        }
        do {
            try AppDatabase.open(path: configuration.databasePath).backup(to: file)
        } catch let error as StoreError {
            throw ValidationError(error.reason)
        }
        print("backed up \(configuration.databasePath) to \(file)")
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a data directory's database a copy of a backup.",
        discussion: "The backup is checked first (SQLite integrity check, CivicHub schema). The data directory must not hold a database yet.")

    @OptionGroup var options: NodeOptions
    @Argument(help: "The backup file written by `civichub backup`.") var file: String

    func run() async throws {
        let configuration = try options.load()
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        do {
            try AppDatabase.restore(from: file, to: configuration.databasePath)
        } catch let error as StoreError {
            throw ValidationError(error.reason)
        }
        print("restored \(file) to \(configuration.databasePath)")
    }
}
