import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for the node, nginx, wrk and the CLI.
///
/// Not Foundation's `Process`, which crashed the harness in `Process.run()` on a bad pointer.
/// Likely cause, from its source: to close the parent's descriptors in the child it lists
/// `/proc/self/fd` and copies each whole `dirent` it reads; with the ~1,100 descriptors this
/// harness holds (1,001 loopback servers) readdir's buffer is full, and the copy of its last
/// entry can run past the buffer's end.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// The wait status once the child has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with standard input from /dev/null, standard output to `output` (a file
    /// descriptor; /dev/null when nil) and standard error to `errors` (the same as standard output
    /// when nil). No other descriptor of this process is inherited.
    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, output: Int32? = nil, errors: Int32? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, errors ?? 1, 2)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environment = environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare; nil where the C library lacks it (the child then inherits).
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Whether the child has not ended yet (reaping it if it has).
    var isRunning: Bool {
        reaped.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
            status = raw
            return false
        }
    }

    /// Waits for the child to end and returns its exit status (128 + the signal if one ended it).
    @discardableResult
    func wait() -> Int32 {
        let raw = reaped.withLock { status -> Int32 in
            if let status { return status }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            status = raw
            return raw
        }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// Sends SIGTERM.
    func terminate() {
        kill(pid, SIGTERM)
    }
}

/// Runs a command to its end and returns its standard output and error.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> String {
    let path = NSTemporaryDirectory() + "civichub-bench-output-\(UUID().uuidString)"
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw BenchError("cannot create \(path)") }
    defer {
        close(fd)
        unlink(path)
    }
    let status = try ChildProcess(executable, arguments, output: fd).wait()
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    guard status == 0 else { throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed (\(status)): \(text)") }
    return text
}
