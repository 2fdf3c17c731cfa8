/// Runs `operation`, or gives up after `timeout`: returns nil then, and the operation is cancelled.
/// For waits that have no deadline of their own, such as reading a body that arrives a byte at a time.
package func withDeadline<T: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
