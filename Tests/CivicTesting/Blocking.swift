import Foundation

/// Runs blocking work (a socket read with a timeout, a wait for a child process) on a thread of
/// its own and returns its result.
///
/// Swift concurrency runs every task on as many threads as there are cores: two on this machine.
/// Two tests blocking those threads at once would leave none for the nodes they wait for, which
/// would then answer only when a timeout ended one of the waits.
package func offThePool<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
        Thread { continuation.resume(returning: Result { () throws(E) -> T in try work() }) }.start()
    }
    return try result.get()
}

/// What a child process left when it ended.
package struct ProcessResult: Sendable {
    package var status: Int32
    package var output: Data
    package var errors: Data

    package var outputText: String { String(decoding: output, as: UTF8.self) }
    package var errorText: String { String(decoding: errors, as: UTF8.self) }
}

/// Runs `executable` with `arguments` to its end, off the pool: writes `input` to its standard
/// input, and collects its standard output and error (into `output` alone when `mergingErrors`).
package func runProcess(
    _ executable: String, _ arguments: [String], input: Data? = nil, mergingErrors: Bool = false
) async throws -> ProcessResult {
    try await offThePool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = mergingErrors ? stdout : Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Standard error is read on a thread of its own: a child that fills one pipe while this
        // thread waits on the other would never end.
        let errors = Collected()
        let errorsRead = DispatchSemaphore(value: 0)
        if !mergingErrors {
            Thread {
                errors.data = stderr.fileHandleForReading.readDataToEndOfFile()
                errorsRead.signal()
            }.start()
        }
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        if !mergingErrors { errorsRead.wait() }
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, output: output, errors: errors.data)
    }
}

/// Bytes written by one thread before it signals a semaphore and read by another after waiting on it.
private final class Collected: @unchecked Sendable {
    var data = Data()
}
