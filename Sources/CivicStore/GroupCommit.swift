import Foundation
import GRDB
import Synchronization

/// Group commit: concurrent callers' rows are written together in one transaction, and each
/// caller resumes once the transaction holding its row has committed.
///
/// SQLite commits one transaction at a time; under load, one commit per request is the limit.
/// Here a request that arrives while a commit is running waits for the next one, which takes
/// everything that queued up meanwhile: durability per request is unchanged, commits per second
/// are not the bound any more.
final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    typealias Write = @Sendable (Database, [Item]) throws -> [Output]

    private struct State {
        var pending: [(Item, CheckedContinuation<Output, any Error>)] = []
        var flushing = false
    }

    private let writer: any DatabaseWriter
    private let write: Write
    private let state = Mutex(State())
    /// Most rows written in one transaction.
    let maxBatch: Int

    init(writer: any DatabaseWriter, maxBatch: Int = 256, write: @escaping Write) {
        self.writer = writer
        self.write = write
        self.maxBatch = maxBatch
    }

    /// Writes `item` in the next group transaction and returns its output.
    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let leads = state.withLock { state -> Bool in
                state.pending.append((item, continuation))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            if leads { Task { await self.flush() } }
        }
    }

    private func flush() async {
        while true {
            let batch = state.withLock { state -> [(Item, CheckedContinuation<Output, any Error>)] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            let items = batch.map(\.0)
            do {
                let outputs = try await writer.write { [write] db in try write(db, items) }
                for (entry, output) in zip(batch, outputs) { entry.1.resume(returning: output) }
            } catch {
                for entry in batch { entry.1.resume(throwing: error) }
            }
        }
    }
}
