import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// One prepared request: everything a worker needs to send it without further work.
struct PreparedRequest: Sendable {
    var url: String
    var headers: [(String, String)]
    var body: Data
}

/// Latency and throughput of a run.
struct LoadResult {
    var count: Int
    var failures: Int
    var seconds: Double
    var latencies: [Double]

    var throughput: Double { Double(count) / seconds }

    func percentile(_ fraction: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}

/// A shared atomic counter (an `Atomic` itself cannot be captured by the workers).
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

/// Runs `body` for every index in `0..<count` with `concurrency` workers, timing each call.
func driveLoad(count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async -> Bool) async -> LoadResult {
    let next = Counter()
    let clock = ContinuousClock()
    let started = clock.now
    let results = await withTaskGroup(of: ([Double], Int).self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var latencies: [Double] = []
                var failures = 0
                while true {
                    let index = next.value.add(1, ordering: .relaxed).oldValue
                    guard index < count else { break }
                    let begin = clock.now
                    if !(await body(index)) { failures += 1 }
                    let elapsed = clock.now - begin
                    latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                }
                return (latencies, failures)
            }
        }
        var all: ([Double], Int) = ([], 0)
        for await (latencies, failures) in group {
            all.0 += latencies
            all.1 += failures
        }
        return all
    }
    let elapsed = clock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return LoadResult(count: count, failures: results.1, seconds: seconds, latencies: results.0)
}

/// An HTTP client with as many connections per host as the load's concurrency.
func makeClient(connections: Int) -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
    configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}

/// POSTs a prepared request and reports whether it got a 2xx.
func send(_ prepared: PreparedRequest, with client: HTTPClient) async -> Bool {
    var request = HTTPClientRequest(url: prepared.url)
    request.method = .POST
    for (name, value) in prepared.headers { request.headers.replaceOrAdd(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: prepared.body))
    do {
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (200..<300).contains(Int(response.status.code))
    } catch {
        return false
    }
}

/// Runs wrk against `url` and returns requests/s, p50 and p99 in milliseconds.
func wrk(_ url: String, accept: String, seconds: Int) throws -> (rps: Double, p50: Double, p99: Double) {
    let output = try run("/usr/bin/wrk", ["-t1", "-c64", "-d\(seconds)s", "--latency", "-H", "Accept: \(accept)", url])
    func milliseconds(_ text: Substring) -> Double {
        if text.hasSuffix("us") { return (Double(text.dropLast(2)) ?? 0) / 1000 }
        if text.hasSuffix("ms") { return Double(text.dropLast(2)) ?? 0 }
        if text.hasSuffix("s") { return (Double(text.dropLast(1)) ?? 0) * 1000 }
        return 0
    }
    var rps = 0.0, p50 = 0.0, p99 = 0.0
    var non2xx = 0
    for line in output.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if line.hasPrefix("Requests/sec:"), let last = fields.last { rps = Double(last) ?? 0 }
        if fields.first == "50%", fields.count > 1 { p50 = milliseconds(fields[1]) }
        if fields.first == "99%", fields.count > 1 { p99 = milliseconds(fields[1]) }
        if line.contains("Non-2xx") { non2xx = Int(fields.last ?? "1") ?? 1 }
    }
    guard non2xx == 0, rps > 0 else { throw BenchError("wrk against \(url) failed: \(output)") }
    return (rps, p50, p99)
}

/// Sends each prepared POST once over `connections` keep-alive connections with wrk, a C load
/// generator that costs the shared cores far less per request than this process's HTTP client
/// (measured here: ~135 µs of CPU a request, a third of the node's own cost), so that the node's
/// throughput is what it can do rather than what is left of it.
///
/// The requests are written out raw; a Lua script hands them to wrk one by one, counts the
/// answers, and stops wrk once every request has one (connections that ask for more after the
/// last POST get a GET of NodeInfo, which is not counted); wrk's summary gives the duration and
/// latency percentiles.
func wrkReplay(_ requests: [PreparedRequest], authority: String, connections: Int) throws -> (throughput: Double, p50: Double, p99: Double, failures: Int) {
    let directory = NSTemporaryDirectory() + "civichub-bench-wrk-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var raw = Data()
    for prepared in requests {
        let path = URL(string: prepared.url)?.path ?? "/"
        var head = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\n"
        for (name, value) in prepared.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(prepared.body.count)\r\n\r\n"
        let message = Data(head.utf8) + prepared.body
        raw += Data("\(message.count)\n".utf8) + message
    }
    try raw.write(to: URL(fileURLWithPath: directory + "/requests"))
    try """
        local ffi = require("ffi")
        ffi.cdef([[
            typedef struct { unsigned long bits[16]; } sigset_t;
            int sigemptyset(sigset_t *set);
            int sigaddset(sigset_t *set, int signal);
            int sigprocmask(int how, const sigset_t *set, sigset_t *old);
            int getpid(void);
            int tgkill(int tgid, int tid, int sig);
        ]])
        -- Globals are what done() reads from each thread with thread:get.
        local messages, total = {}, 0
        sent, answered, failed = 0, 0, 0
        local threads = {}
        -- setup() runs on wrk's main thread: let SIGINT through there (a process started from a
        -- dispatch worker thread inherits its blocked signals).
        function setup(thread)
            local interrupt = ffi.new("sigset_t")
            ffi.C.sigemptyset(interrupt)
            ffi.C.sigaddset(interrupt, 2)
            ffi.C.sigprocmask(1, interrupt, nil)
            table.insert(threads, thread)
        end
        function init(args)
            local file = assert(io.open(args[1], "rb"))
            while true do
                local length = file:read("*l")
                if not length then break end
                messages[#messages + 1] = file:read(tonumber(length))
            end
            file:close()
            total = #messages
        end
        -- wrk calls request() once before the run to check the script; that call sends nothing.
        local checked = false
        function request()
            if not checked then
                checked = true
                return wrk.format("GET", "/.well-known/nodeinfo")
            end
            sent = sent + 1
            if sent <= total then return messages[sent] end
            return wrk.format("GET", "/.well-known/nodeinfo")
        end
        function response(status, headers, body)
            if sent > total and status == 200 then return end
            answered = answered + 1
            if status < 200 or status > 299 then failed = failed + 1 end
            if answered >= total then
                -- wrk's main thread sleeps out the whole -d duration; SIGINT to it (tgkill: the
                -- thread whose id is the process id) ends the run now, and done() then reports it.
                wrk.thread:stop()
                ffi.C.tgkill(ffi.C.getpid(), ffi.C.getpid(), 2)
            end
        end
        function done(summary, latency, requests)
            local failures, answers = 0, 0
            for _, thread in ipairs(threads) do
                failures = failures + thread:get("failed")
                answers = answers + thread:get("answered")
            end
            io.write(string.format("replay %d %d %d %d %d\\n", summary.duration, failures, latency:percentile(50), latency:percentile(99), answers))
        end
        """.write(toFile: directory + "/replay.lua", atomically: true, encoding: .utf8)
    let output = try run(
        "/usr/bin/wrk", ["-t1", "-c\(connections)", "-d60s", "--latency", "-s", directory + "/replay.lua", "http://\(authority)/", directory + "/requests"])
    guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("replay ") }) else {
        throw BenchError("wrk printed no summary: \(output)")
    }
    let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard fields.count == 5, fields[0] > 0 else { throw BenchError("wrk summary unreadable: \(line)") }
    guard Int(fields[4]) == requests.count else { throw BenchError("wrk saw \(Int(fields[4])) answers to \(requests.count) requests: \(output)") }
    return (Double(requests.count) / (fields[0] / 1e6), fields[2] / 1000, fields[3] / 1000, Int(fields[1]))
}
