import AsyncHTTPClient
import CivicCrypto
import CivicVocabulary
import Foundation
import GRDB
import LoopbackPorts
import NIOCore
import NIOPosix
import Synchronization

/// `civichub-bench soak [--seconds N] [path/to/civichub]`: mixed valid and hostile inbox traffic
/// from many fake hosts against a real node that keeps its default abuse limits, for a bounded
/// time (SECURITY.md, "Soak"). It passes when nothing is answered 5xx, the node is still up and
/// answering, its RSS stays bounded, every activity answered 202 is stored and no refused one is.
struct Soak {
    /// Fake remote servers, each on its own loopback port and with its own client address.
    static let hosts = 50
    static let actorsPerHost = 20
    /// RSA keys shared among the actors (each actor has its own key id), as in the benchmark.
    static let keyCount = 10
    /// Workers sending 60 % valid and 40 % hostile requests, spread over hosts 1…49.
    static let mixedWorkers = 24
    /// Workers sending valid requests from host 0 only, faster than its limit allows.
    static let busyWorkers = 4
    /// Workers sending unsigned requests from one address, about three times faster than its limit allows.
    static let floodWorkers = 2
    /// Raw connections that send part of a request slowly and then nothing.
    static let slowLorisLanes = 8

    var seconds = 300
    var binary = ".build/release/civichub"

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument == "--seconds" {
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else { throw BenchError("--seconds needs a positive whole number") }
                seconds = value
            } else {
                binary = argument
            }
        }
    }

    /// Runs the soak, prints its Markdown summary and returns whether every check passed.
    func run() async throws -> Bool {
        let remotes = FakeRemotes()
        let ports = try await remotes.start(count: Self.hosts)
        log("soak: \(ports.count) fake hosts up; generating \(Self.keyCount) RSA keys")
        let keys = try (0..<Self.keyCount).map { _ in try RSAKeyPair.generate() }
        var actors: [SoakActor] = []
        for host in 0..<Self.hosts {
            for index in 0..<Self.actorsPerHost {
                let number = host * Self.actorsPerHost + index
                let actor = SoakActor(id: "http://127.0.0.1:\(ports[host])/actors/a\(number)", key: number % Self.keyCount)
                let document: JSONValue = [
                    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                    "id": .string(actor.id), "type": "Person", "preferredUsername": .string("a\(number)"), "inbox": .string("\(actor.id)/inbox"),
                    "publicKey": ["id": .string(actor.keyID), "owner": .string(actor.id), "publicKeyPem": .string(keys[actor.key].publicKeyPEM)],
                ]
                remotes.serve(path: "/actors/a\(number)", json: CanonicalJSON.encode(document))
                actors.append(actor)
            }
        }

        let data = NSTemporaryDirectory() + "civichub-soak-\(UUID().uuidString)"
        let port = try freePort()
        let token = try initDataDirectory(binary: binary, data: data, port: port)
        let logURL = URL(fileURLWithPath: data + "/node.log")
        try Data().write(to: logURL)
        let nodeLog = try FileHandle(forWritingTo: logURL)
        let (node, _) = try await NodeProcessHandle.start(binary: binary, data: data, port: port, defaultLimits: true, log: nodeLog)
        try await Task.sleep(for: .seconds(2))
        let idle = node.memory().rss
        log("soak: node up, idle RSS \(format(idle)) MiB; \(seconds) s of traffic")

        // No idle-read timeout (the benchmark's client has one): with it, AsyncHTTPClient 1.37
        // stopped the load generator on a precondition (IdleReadStateMachine.requestEndSent)
        // seconds into the hostile traffic. The 30 s deadline of each request bounds it instead.
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        clientConfiguration.timeout = .init(connect: .seconds(5))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let traffic = SoakTraffic(
            client: client, port: port, actors: actors, keys: keys, hostPorts: ports, deadPort: try freePort())
        let monitor = SoakMonitor(node: node, client: client, token: token)
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + .seconds(seconds)
        async let sampling: Void = monitor.sample(until: deadline)
        let slowLoris = await withTaskGroup(of: [SlowLorisConnection].self) { group in
            for _ in 0..<Self.mixedWorkers {
                group.addTask {
                    while clock.now < deadline { await traffic.sendMixed() }
                    return []
                }
            }
            for _ in 0..<Self.busyWorkers {
                group.addTask {
                    while clock.now < deadline { await traffic.sendValid(.validBusy, host: 0) }
                    return []
                }
            }
            for _ in 0..<Self.floodWorkers {
                group.addTask {
                    while clock.now < deadline {
                        await traffic.sendFlood()
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    return []
                }
            }
            for lane in 0..<Self.slowLorisLanes {
                group.addTask { await slowLorisLane(lane, port: port, until: deadline) }
            }
            var outcomes: [SlowLorisConnection] = []
            for await lane in group { outcomes += lane }
            return outcomes
        }
        await sampling
        let trafficEnded = clock.now
        log("soak: traffic done after \(trafficEnded - started); waiting for the inbox to drain")

        // Every accepted activity is processed: the queue drains, and nothing failed.
        var queue = try await monitor.queue()
        while queue.pending > 0, clock.now - trafficEnded < .seconds(300) {
            try await Task.sleep(for: .milliseconds(250))
            queue = try await monitor.queue()
        }
        let drainTime = clock.now - trafficEnded
        let alive = node.process.isRunning
        let nodeinfo = await monitor.status(of: "/.well-known/nodeinfo")

        // Stored or not: read the node's database (read-only, the node still running).
        var configuration = Configuration()
        configuration.readonly = true
        let stored = try await DatabaseQueue(path: data + "/civichub.sqlite", configuration: configuration).read { db in
            try String.fetchSet(db, sql: "SELECT id FROM object WHERE id LIKE ?", arguments: ["%/notes/soak-%"])
        }
        let accepted = traffic.accepted.withLock { $0 }
        let refused = traffic.refused.withLock { $0 }
        let acceptedStored = accepted.filter(stored.contains).count
        let refusedStored = refused.filter(stored.contains).count
        let samples = monitor.samples.withLock { $0 }
        let peak = node.memory().peak
        node.stop()
        try nodeLog.close()
        try await client.shutdown()
        try await remotes.stop()

        // MARK: Report
        let counts = traffic.tally.counts.withLock { $0 }
        let latencies = traffic.tally.latencies.withLock { $0 }
        let total = counts.values.flatMap(\.values).reduce(0, +)
        let fiveXX = counts.values.flatMap { $0 }.filter { $0.key >= 500 }.reduce(0) { $0 + $1.value }
            + slowLoris.filter { ($0.status ?? 0) >= 500 }.count
        let hostileAccepted = counts.filter { $0.key.isHostile }
            .flatMap { $0.value }.filter { (200..<300).contains($0.key) }.reduce(0) { $0 + $1.value }
        let unexpected = counts.flatMap { kind, statuses in
            statuses.filter { !kind.expected.contains($0.key) && $0.key != 429 }.map { "\(kind.label): \($0.key == 0 ? "no answer" : String($0.key)) ×\($0.value)" }
        }
        let retryAfterMissing = traffic.tally.retryAfterMissing.load(ordering: .relaxed)
        let gaveUp = traffic.tally.gaveUp.load(ordering: .relaxed)
        let window = Double(min(60, seconds / 3))
        let first = samples.filter { $0.time < window }
        let last = samples.filter { $0.time >= Double(seconds) - window }
        let firstMean = first.map(\.rss).reduce(0, +) / Double(max(1, first.count))
        let lastMean = last.map(\.rss).reduce(0, +) / Double(max(1, last.count))
        let maxBacklog = samples.map(\.pending).max() ?? 0
        let byMinute = Dictionary(grouping: samples) { Int($0.time / 60) }
        let minuteMeans: [String] = byMinute.keys.sorted().map { minute in
            let rss = byMinute[minute, default: []].map(\.rss)
            return format(rss.reduce(0, +) / Double(rss.count))
        }
        // Error lines by message, without the time stamp and request id.
        let logLines = (try? String(contentsOf: logURL, encoding: .utf8))?.split(separator: "\n") ?? []
        var errors: [String: Int] = [:]
        for line in logLines where line.contains(" error ") || line.contains(" critical ") {
            errors[line.split(separator: " ").dropFirst().filter { !$0.hasPrefix("hb.request.id=") }.joined(separator: " "), default: 0] += 1
        }

        print("Soak: \(seconds) s of inbox traffic (\(grouped(total)) requests, \(format(Double(total) / (trafficEnded - started).inSeconds, 0))/s; slow-loris connections ran until \(format((trafficEnded - started).inSeconds, 0)) s),")
        print("then \(format(drainTime.inSeconds, 1)) s for the inbox to drain. The node keeps its default abuse limits: 3,000 inbox POSTs a minute per client")
        print("address and per server (429 + Retry-After), at most 256 inbox requests in verification (503). \(Self.hosts) fake hosts × \(Self.actorsPerHost) actors,")
        print("each host with its own client address (X-Forwarded-For, the node trusting its loopback proxy); \(Self.mixedWorkers) workers sending 60 % valid,")
        print("40 % hostile requests on hosts 1–\(Self.hosts - 1), \(Self.busyWorkers) overdriving host 0, \(Self.floodWorkers) flooding from one address (at most \(Self.mixedWorkers + Self.busyWorkers + Self.floodWorkers)")
        print("requests at once), and \(Self.slowLorisLanes) slow-loris connections at a time.")
        print()
        print("| request | sent | answers | p50 / p99 ms | expected |")
        print("|---|---|---|---|---|")
        for kind in SoakKind.allCases {
            let statuses = counts[kind] ?? [:]
            let answered = statuses.sorted { $0.key < $1.key }.map { "\($0.key == 0 ? "no answer" : String($0.key)) ×\(grouped($0.value))" }
            let times = LoadResult(count: 0, failures: 0, seconds: 0, latencies: latencies[kind] ?? [])
            print("| \(kind.label) | \(grouped(statuses.values.reduce(0, +))) | \(answered.joined(separator: ", ")) | \(format(times.percentile(0.5))) / \(format(times.percentile(0.99))) | \(kind.expectation) |")
        }
        for inBody in [false, true] {
            let connections = slowLoris.filter { $0.inBody == inBody }
            let closed = connections.filter { $0.status != nil }
            let answers = Dictionary(grouping: closed, by: { $0.status ?? 0 }).sorted { $0.key < $1.key }
                .map { "\($0.key == 0 ? "closed without an answer" : "\($0.key) and closed") ×\(grouped($0.value.count))" }
            func range(_ values: [Double]) -> String { "\(format(values.min() ?? 0)) – \(format(values.max() ?? 0)) s" }
            print(
                "| slow loris: \(inBody ? "complete headers, then 3 body pieces" : "3 header lines") 5 s apart, then silence | \(grouped(connections.count)) | "
                    + "\((answers + ["still open 45 s after the last byte ×\(connections.count - closed.count)"]).joined(separator: ", ")); "
                    + "closed \(range(closed.map(\.closedAfterConnect))) after connecting, \(range(closed.map(\.closedAfterLastByte))) after the last byte | — | "
                    + (inBody ? "408 once the body is 20 s late (`request_body_timeout`)" : "closed once no complete header arrived for 30 s (idle timeout)") + " |")
        }
        print()

        let slowHeld = slowLoris.filter { $0.status == nil }.count
        let slowUnexpected = slowLoris.compactMap(\.status).filter { ![0, 408].contains($0) }
        let checks: [(String, String, Bool)] = [
            ("no 5xx", "\(grouped(fiveXX)) answers 5xx", fiveXX == 0),
            (
                "every answer as expected", unexpected.isEmpty && slowUnexpected.isEmpty ? "yes" : (unexpected + slowUnexpected.map { "slow loris: \($0)" }).joined(separator: "; "),
                unexpected.isEmpty && slowUnexpected.isEmpty
            ),
            ("no hostile request accepted", "\(grouped(hostileAccepted)) answered 2xx", hostileAccepted == 0),
            ("every 429 carries Retry-After; valid requests get through", "\(grouped(retryAfterMissing)) without; \(grouped(gaveUp)) valid still 429 after 60 tries", retryAfterMissing == 0 && gaveUp == 0),
            ("node alive, NodeInfo answers", "\(alive ? "running" : "exited"), GET /.well-known/nodeinfo → \(nodeinfo)", alive && nodeinfo == 200),
            (
                "inbox drained, nothing failed", "pending \(queue.pending), failed \(queue.failed) after \(format(drainTime.inSeconds, 1)) s; largest backlog sampled \(grouped(maxBacklog))",
                queue.pending == 0 && queue.failed == 0
            ),
            ("every activity answered 202 stored", "\(grouped(acceptedStored)) of \(grouped(accepted.count))", acceptedStored == accepted.count && !accepted.isEmpty),
            ("no refused activity stored", "\(grouped(refusedStored)) of \(grouped(refused.count))", refusedStored == 0),
            (
                "RSS bounded (last \(Int(window)) s mean ≤ 1.25 × first \(Int(window)) s mean, peak ≤ 200 MiB)",
                "idle \(format(idle)) MiB; first \(Int(window)) s mean \(format(firstMean)) / max \(format(first.map(\.rss).max() ?? 0)) MiB; "
                    + "last \(Int(window)) s mean \(format(lastMean)) / max \(format(last.map(\.rss).max() ?? 0)) MiB (slope \(format(slope(last), 2)) MiB/min); peak (VmHWM) \(format(peak)) MiB; mean by minute \(minuteMeans.joined(separator: ", ")) MiB",
                lastMean <= 1.25 * firstMean && peak <= 200
            ),
            ("slow-loris connections closed", "\(grouped(slowLoris.count - slowHeld)) of \(grouped(slowLoris.count))", slowHeld == 0 && !slowLoris.isEmpty),
            (
                "node log without errors", errors.isEmpty ? "no error lines" : errors.sorted { $0.value > $1.value }.map { "`\($0.key.prefix(200))` ×\($0.value)" }.joined(separator: "; "),
                errors.isEmpty
            ),
        ]
        print("| check | result | |")
        print("|---|---|---|")
        for check in checks { print("| \(check.0) | \(check.1) | \(check.2 ? "pass" : "**FAIL**") |") }
        let passed = checks.allSatisfy(\.2)
        if passed { try? FileManager.default.removeItem(atPath: data) } else { log("soak: node data and log kept in \(data)") }
        return passed
    }
}

/// A remote actor served by one of the fake hosts.
struct SoakActor: Sendable {
    var id: String
    /// Index into the soak's RSA keys.
    var key: Int
    var keyID: String { "\(id)#main-key" }
}

/// What the soak sends; every kind but the two valid ones and the flood is a hostile class.
enum SoakKind: CaseIterable, Sendable {
    case valid, validBusy
    case badSignature, tamperedBody, staleDate, partialCoverage, foreignSigner, missingKey, deadKeyHost, replay
    case malformedJSON, deepJSON, oversized, truncatedBody, wrongContentType, foreignActivityID, unsigned, hugeHeader
    case flood

    /// The hostile classes the mixed workers cycle through.
    static let hostile = allCases.filter(\.isHostile)

    var isHostile: Bool { ![.valid, .validBusy, .flood].contains(self) }

    var label: String {
        switch self {
        case .valid: "valid signed Create, hosts 1–49"
        case .validBusy: "valid signed Create, host 0 sending over its limit"
        case .badSignature: "signature bytes altered"
        case .tamperedBody: "body changed after signing (digest mismatch)"
        case .staleDate: "signed 13 h ago"
        case .partialCoverage: "signature leaving out host or digest"
        case .foreignSigner: "signed by another actor than the activity's"
        case .missingKey: "keyId of an actor its host does not have (404)"
        case .deadKeyHost: "keyId on a host that is down (connection refused)"
        case .replay: "exact replay of an accepted request"
        case .malformedJSON: "malformed JSON (signed)"
        case .deepJSON: "JSON nested 100 deep (signed)"
        case .oversized: "body over 1 MiB (Content-Length or chunked)"
        case .truncatedBody: "body shorter than its Content-Length, then half-close"
        case .wrongContentType: "Content-Type text/plain (signed Create)"
        case .foreignActivityID: "activity id on another origin than the actor"
        case .unsigned: "unsigned Create"
        case .hugeHeader: "100 KiB header (unsigned)"
        case .flood: "unsigned, from one address over its limit"
        }
    }

    /// The statuses this kind may get besides 429 (0 is no answer).
    var expected: Set<Int> {
        switch self {
        case .valid, .validBusy: [202]
        case .badSignature, .tamperedBody, .staleDate, .partialCoverage, .foreignSigner, .missingKey, .deadKeyHost, .replay, .unsigned, .flood: [401]
        case .malformedJSON, .deepJSON, .truncatedBody, .foreignActivityID: [400]
        case .oversized: [413]
        case .wrongContentType: [415]
        case .hugeHeader: [400, 431]
        }
    }

    var expectation: String {
        switch self {
        case .valid, .validBusy: "202; a 429 is retried after Retry-After, re-signed"
        default: expected.sorted().map(String.init).joined(separator: " or ") + " (or 429)"
        }
    }
}

/// Answers by kind of request and status (0: no answer, the connection failed).
final class SoakTally: Sendable {
    let counts = Mutex<[SoakKind: [Int: Int]]>([:])
    /// Milliseconds from sending a request to the end of its answer.
    let latencies = Mutex<[SoakKind: [Double]]>([:])
    let retryAfterMissing = Atomic<Int>(0)
    /// Valid requests still refused with 429 after 60 tries.
    let gaveUp = Atomic<Int>(0)

    func record(_ kind: SoakKind, _ status: Int, retryAfter: Int?, milliseconds: Double) {
        counts.withLock { $0[kind, default: [:]][status, default: 0] += 1 }
        latencies.withLock { $0[kind, default: []].append(milliseconds) }
        if status == 429 || status == 503, retryAfter == nil { retryAfterMissing.add(1, ordering: .relaxed) }
    }
}

/// Builds each kind of request, signs it when it is sent, sends it and records the answer.
final class SoakTraffic: Sendable {
    let client: HTTPClient
    /// The node's port on 127.0.0.1.
    let port: Int
    let inbox: String
    let authority: String
    let actors: [SoakActor]
    let keys: [RSAKeyPair]
    let hostPorts: [Int]
    /// A port nothing listens on: a host that is down.
    let deadPort: Int
    let tally = SoakTally()
    let mixTurn = Counter()
    let noteNumber = Counter()
    let hostTurn = Counter()
    let hostileTurn = Counter()
    /// Note ids of activities answered 202, which must be stored.
    let accepted = Mutex<[String]>([])
    /// Note ids of hostile activities refused, which must not be stored.
    let refused = Mutex<[String]>([])
    /// The last accepted requests exactly as sent, for replays.
    let replayable = Mutex<[PreparedRequest]>([])

    init(client: HTTPClient, port: Int, actors: [SoakActor], keys: [RSAKeyPair], hostPorts: [Int], deadPort: Int) {
        self.client = client
        self.port = port
        self.inbox = "http://127.0.0.1:\(port)/inbox"
        self.authority = "127.0.0.1:\(port)"
        self.actors = actors
        self.keys = keys
        self.hostPorts = hostPorts
        self.deadPort = deadPort
    }

    /// The address a fake host's requests come from, as a trusted proxy would name it.
    func clientAddress(host: Int) -> String { "10.1.0.\(host)" }

    /// One of the actors `host` serves, picked at random.
    func randomActor(host: Int) -> SoakActor {
        actors[host * Soak.actorsPerHost + Int.random(in: 0..<Soak.actorsPerHost)]
    }

    /// One request of a mixed worker: six valid, then four hostile of the next classes in turn.
    func sendMixed() async {
        let turn = mixTurn.value.add(1, ordering: .relaxed).oldValue
        let host = 1 + hostTurn.value.add(1, ordering: .relaxed).oldValue % (Soak.hosts - 1)
        if turn % 10 < 6 {
            await sendValid(.valid, host: host)
        } else {
            let kind = SoakKind.hostile[hostileTurn.value.add(1, ordering: .relaxed).oldValue % SoakKind.hostile.count]
            await sendHostile(kind, host: host, turn: turn)
        }
    }

    /// A Create of a new Note by `actor`; `activityID` defaults to one on the actor's origin.
    func create(by actor: SoakActor, note: String, activityID: String? = nil, content: String = "Soak note about civic space.") -> Data {
        CanonicalJSON.encode([
            "@context": "https://www.w3.org/ns/activitystreams", "id": .string(activityID ?? "\(note)/activity"), "type": "Create",
            "actor": .string(actor.id), "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": ["id": .string(note), "type": "Note", "attributedTo": .string(actor.id), "content": .string("<p>\(content)</p>")],
        ])
    }

    /// Draft-cavage headers (Host, Date, Digest, Signature) signing `body` as `actor`.
    func sign(_ body: Data, as actor: SoakActor, date: Date = Date()) -> [(String, String)] {
        let parts = HTTPRequestParts(
            method: "POST", path: "/inbox", authority: authority, scheme: "http", headers: [("Content-Type", "application/activity+json")],
            body: body)
        let signer = HTTPSignatureSigner(keyId: actor.keyID, key: keys[actor.key])
        // Signing only fails for key ids with quotes or dates past 9999, which the soak never makes.
        return ((try? signer.sign(parts, date: date)) ?? []).map { ($0.name, $0.value) }
    }

    /// A POST of `body` to the inbox from `host`'s client address.
    func request(_ body: Data, host: Int, headers: [(String, String)], contentType: String = "application/activity+json") -> PreparedRequest {
        PreparedRequest(url: inbox, headers: [("Content-Type", contentType), ("X-Forwarded-For", clientAddress(host: host))] + headers, body: body)
    }

    /// POSTs to the inbox and records the answer as one of `kind`; returns the status (0 when
    /// the connection failed) and Retry-After.
    func post(_ prepared: PreparedRequest, as kind: SoakKind, chunked: Bool = false) async -> (status: Int, retryAfter: Int?) {
        let clock = ContinuousClock()
        let started = clock.now
        let (status, retryAfter) = await post(prepared, chunked: chunked)
        tally.record(kind, status, retryAfter: retryAfter, milliseconds: (clock.now - started).inSeconds * 1000)
        return (status, retryAfter)
    }

    private func post(_ prepared: PreparedRequest, chunked: Bool) async -> (status: Int, retryAfter: Int?) {
        var request = HTTPClientRequest(url: prepared.url)
        request.method = .POST
        for (name, value) in prepared.headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = chunked ? .bytes(prepared.body, length: .unknown) : .bytes(ByteBuffer(bytes: prepared.body))
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), response.headers.first(name: "Retry-After").flatMap { Int($0) })
        } catch {
            return (0, nil)
        }
    }

    /// A new valid Create from a random actor of `host`, signed anew for every try; a 429 waits
    /// for Retry-After.
    func sendValid(_ kind: SoakKind, host: Int) async {
        let actor = randomActor(host: host)
        let note = "\(actor.id)/notes/soak-v\(noteNumber.value.add(1, ordering: .relaxed).oldValue)"
        let body = create(by: actor, note: note)
        for _ in 0..<60 {
            let prepared = request(body, host: host, headers: sign(body, as: actor))
            let (status, retryAfter) = await post(prepared, as: kind)
            guard status == 429 else {
                if status == 202 {
                    accepted.withLock { $0.append(note) }
                    replayable.withLock {
                        $0.append(prepared)
                        if $0.count > 512 { $0.removeFirst(256) }
                    }
                }
                return
            }
            try? await Task.sleep(for: .seconds(retryAfter ?? 1))
        }
        tally.gaveUp.add(1, ordering: .relaxed)
    }

    /// One request of a hostile class from `host`.
    func sendHostile(_ kind: SoakKind, host: Int, turn: Int) async {
        let actor = randomActor(host: host)
        var note = "\(actor.id)/notes/soak-h\(turn)"
        let body = create(by: actor, note: note)
        var prepared = request(body, host: host, headers: sign(body, as: actor))
        var chunked = false
        var carriesNote = true
        switch kind {
        case .badSignature:
            // Another valid base64 character at the start of the signature value.
            prepared.headers = prepared.headers.map { name, value in
                guard name == "Signature", let range = value.range(of: "signature=\"") else { return (name, value) }
                var altered = value
                let first = altered[range.upperBound]
                altered.replaceSubrange(range.upperBound...range.upperBound, with: first == "A" ? "B" : "A")
                return (name, altered)
            }
        case .tamperedBody:
            prepared.body = create(by: actor, note: note, content: "Forged note about civic space.")
        case .staleDate:
            prepared = request(body, host: host, headers: sign(body, as: actor, date: Date() - 13 * 3600))
        case .partialCoverage:
            prepared = request(body, host: host, headers: partiallySigned(body, as: actor, leavingOut: turn % 2 == 0 ? "host" : "digest"))
        case .foreignSigner:
            let other = randomActor(host: 1 + (host % (Soak.hosts - 1)))
            prepared = request(body, host: host, headers: sign(body, as: other))
        case .missingKey, .deadKeyHost:
            let ghost = kind == .missingKey
                ? SoakActor(id: "http://127.0.0.1:\(hostPorts[host])/actors/ghost\(turn)", key: actor.key)
                : SoakActor(id: "http://127.0.0.1:\(deadPort)/actors/a0", key: actor.key)
            note = "\(ghost.id)/notes/soak-h\(turn)"
            let ghostBody = create(by: ghost, note: note)
            prepared = request(ghostBody, host: host, headers: sign(ghostBody, as: ghost))
        case .replay:
            guard let original = replayable.withLock({ $0.randomElement() }) else { return await sendHostile(.unsigned, host: host, turn: turn) }
            prepared = original
            carriesNote = false
        case .malformedJSON:
            let broken = body.prefix(body.count / 2)
            prepared = request(broken, host: host, headers: sign(broken, as: actor))
            carriesNote = false
        case .deepJSON:
            let deep = Data("{\"id\":\"\(note)/activity\",\"type\":\"Create\",\"actor\":\"\(actor.id)\",\"object\":\(String(repeating: "[", count: 100))\(String(repeating: "]", count: 100))}".utf8)
            prepared = request(deep, host: host, headers: sign(deep, as: actor))
            carriesNote = false
        case .oversized:
            let large = create(by: actor, note: note, content: String(repeating: "x", count: 1 << 20))
            prepared = request(large, host: host, headers: sign(large, as: actor))
            chunked = turn % 2 == 0
        case .truncatedBody:
            return await postTruncated(body, host: host)
        case .wrongContentType:
            prepared = request(body, host: host, headers: sign(body, as: actor), contentType: "text/plain")
        case .foreignActivityID:
            let elsewhere = "http://127.0.0.1:\(hostPorts[(host + 1) % Soak.hosts])/activities/soak-h\(turn)"
            let foreign = create(by: actor, note: note, activityID: elsewhere)
            prepared = request(foreign, host: host, headers: sign(foreign, as: actor))
        case .unsigned:
            prepared = request(body, host: host, headers: [])
        case .hugeHeader:
            prepared = request(body, host: host, headers: [("X-Padding", String(repeating: "a", count: 100 << 10))])
        case .valid, .validBusy, .flood:
            return
        }
        let (status, _) = await post(prepared, as: kind, chunked: chunked)
        guard carriesNote else { return }
        if status == 202 {
            accepted.withLock { $0.append(note) }
        } else {
            refused.withLock { $0.append(note) }
        }
    }

    /// Sends the headers and half of `body` over a new connection, closes the sending side (the
    /// body ends before its Content-Length) and records the answer.
    func postTruncated(_ body: Data, host: Int) async {
        let clock = ContinuousClock()
        let started = clock.now
        let head = "POST /inbox HTTP/1.1\r\nHost: \(authority)\r\nContent-Type: application/activity+json\r\n"
            + "X-Forwarded-For: \(clientAddress(host: host))\r\nContent-Length: \(body.count)\r\n\r\n"
        var status = 0, retryAfter: Int?
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    }
                }
            let answer = try await channel.executeThenClose { inbound, outbound in
                var request = ByteBuffer(string: head)
                request.writeBytes(body.prefix(body.count / 2))
                try await outbound.write(request)
                outbound.finish()
                var answer = ""
                for try await part in inbound {
                    answer += String(buffer: part)
                    if answer.contains("\r\n\r\n") { break }
                }
                return answer
            }
            // "HTTP/1.1 400 Bad Request", then header lines.
            let lines = answer.split(separator: "\r\n")
            status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            retryAfter = lines.first { $0.lowercased().hasPrefix("retry-after:") }.flatMap { Int($0.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespaces)) }
        } catch {
            status = 0
        }
        tally.record(.truncatedBody, status, retryAfter: retryAfter, milliseconds: (clock.now - started).inSeconds * 1000)
    }

    /// Headers with a draft-cavage signature that covers `(request-target)`, `date` and all but
    /// one of `host` and `digest`.
    func partiallySigned(_ body: Data, as actor: SoakActor, leavingOut omitted: String) -> [(String, String)] {
        let values = ["host": authority, "date": HTTPDate.string(Date()), "digest": BodyDigest.digestHeader(for: body)]
        let covered = ["(request-target)", "host", "date", "digest"].filter { $0 != omitted }
        let base = covered.map { $0 == "(request-target)" ? "(request-target): post /inbox" : "\($0): \(values[$0] ?? "")" }.joined(separator: "\n")
        let signature = (try? keys[actor.key].sign(Data(base.utf8)).base64EncodedString()) ?? ""
        return [
            ("Host", authority), ("Date", values["date"] ?? ""), ("Digest", values["digest"] ?? ""),
            ("Signature", "keyId=\"\(actor.keyID)\",algorithm=\"rsa-sha256\",headers=\"\(covered.joined(separator: " "))\",signature=\"\(signature)\""),
        ]
    }

    /// An unsigned request from the one flooding address.
    func sendFlood() async {
        let prepared = PreparedRequest(
            url: inbox, headers: [("Content-Type", "application/activity+json"), ("X-Forwarded-For", "10.2.0.1")], body: Data("{}".utf8))
        _ = await post(prepared, as: .flood)
    }
}

/// Samples the node's RSS and inbox backlog every second, and reads its admin API.
final class SoakMonitor: Sendable {
    let node: NodeProcessHandle
    let client: HTTPClient
    let token: String
    /// Seconds since the traffic started, RSS in MiB, pending inbox items.
    let samples = Mutex<[(time: Double, rss: Double, pending: Int)]>([])

    init(node: NodeProcessHandle, client: HTTPClient, token: String) {
        self.node = node
        self.client = client
        self.token = token
    }

    func sample(until deadline: ContinuousClock.Instant) async {
        let clock = ContinuousClock()
        let started = clock.now
        while clock.now < deadline {
            let rss = node.memory().rss
            let pending = (try? await queue().pending) ?? -1
            samples.withLock { $0.append(((clock.now - started).inSeconds, rss, pending)) }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The inbox queue's pending and failed counts, from `GET /api/v1/queue`.
    func queue() async throws -> (pending: Int, failed: Int) {
        var request = HTTPClientRequest(url: "\(node.base)/api/v1/queue")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 16)
        guard response.status == .ok else { throw BenchError("GET /api/v1/queue: \(response.status)") }
        let inbox = try JSONParser().parse(Data(body.readableBytesView))["inbox"]
        return (inbox?["pending"]?.numberValue.map { Int($0) } ?? 0, inbox?["failed"]?.numberValue.map { Int($0) } ?? 0)
    }

    /// The status of a GET (0 when the connection failed).
    func status(of path: String) async -> Int {
        guard let response = try? await client.execute(HTTPClientRequest(url: node.base + path), timeout: .seconds(10)) else { return 0 }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}

/// One slow-loris connection: the node's answer and when it closed the connection.
struct SlowLorisConnection: Sendable {
    /// Body bytes dripped after complete headers, rather than header lines.
    var inBody: Bool
    /// The status the node answered before closing (0: closed without an answer); nil while the
    /// connection was still open 45 s after its last byte.
    var status: Int?
    var closedAfterConnect: Double
    var closedAfterLastByte: Double
}

/// Opens connections one after another until `deadline`, alternating the two kinds.
func slowLorisLane(_ lane: Int, port: Int, until deadline: ContinuousClock.Instant) async -> [SlowLorisConnection] {
    var connections: [SlowLorisConnection] = []
    while ContinuousClock.now < deadline, let connection = await slowLorisConnection(inBody: (lane + connections.count) % 2 == 0, port: port) {
        connections.append(connection)
    }
    return connections
}

/// Sends the start of a request, then three more pieces 5 s apart (header lines, or body bytes
/// after complete headers), then nothing, reading until the node closes the connection (or 45 s
/// have passed since the last byte). Nil when the connection could not be opened.
func slowLorisConnection(inBody: Bool, port: Int) async -> SlowLorisConnection? {
    let clock = ContinuousClock()
    let connected = clock.now
    guard let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port, channelInitializer: { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        })
    else { return nil }
    let start = inBody
        ? "POST /inbox HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/activity+json\r\nContent-Length: 4096\r\n\r\n{\"type\":"
        : "POST /inbox HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
    let pieces = [start] + (0..<3).map { inBody ? "\"Create\"  " : "X-Slow-\($0): \($0)\r\n" }
    var lastByte = connected
    let answer = try? await channel.executeThenClose { inbound, outbound in
        for (index, piece) in pieces.enumerated() {
            if index > 0 { try? await Task.sleep(for: .seconds(5)) }
            guard (try? await outbound.write(ByteBuffer(string: piece))) != nil else { break }
            lastByte = clock.now
        }
        let silentSince = lastByte
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                try? await Task.sleep(until: silentSince + .seconds(45))
                try? await channel.channel.close()
                return nil
            }
            group.addTask {
                var answer = ""
                do {
                    for try await part in inbound { answer += String(buffer: part) }
                } catch {}
                return answer
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
    let closed = clock.now
    // "HTTP/1.1 408 Request Timeout…", or nothing.
    return SlowLorisConnection(
        inBody: inBody, status: answer.map { Int($0.split(separator: " ").dropFirst().first ?? "") ?? 0 }, closedAfterConnect: (closed - connected).inSeconds,
        closedAfterLastByte: (closed - lastByte).inSeconds)
}

/// The least-squares slope of RSS over time, in MiB a minute.
func slope(_ samples: [(time: Double, rss: Double, pending: Int)]) -> Double {
    guard samples.count > 1 else { return 0 }
    let n = Double(samples.count)
    let meanTime = samples.map(\.time).reduce(0, +) / n, meanRSS = samples.map(\.rss).reduce(0, +) / n
    let covariance = samples.map { ($0.time - meanTime) * ($0.rss - meanRSS) }.reduce(0, +)
    let variance = samples.map { ($0.time - meanTime) * ($0.time - meanTime) }.reduce(0, +)
    return variance > 0 ? 60 * covariance / variance : 0
}

/// A count with thousands separators: 12,345.
func grouped(_ count: Int) -> String {
    var digits = String(count.magnitude)
    for index in stride(from: digits.count - 3, to: 0, by: -3) { digits.insert(",", at: digits.index(digits.startIndex, offsetBy: index)) }
    return (count < 0 ? "-" : "") + digits
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
