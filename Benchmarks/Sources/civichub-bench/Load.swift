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
