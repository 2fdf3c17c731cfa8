import CMalloc

/// How the node process gives memory back. glibc's allocator keeps memory freed by a burst of
/// requests in per-thread arenas instead of returning it: the soak (SECURITY.md) saw RSS rise
/// 2–3 MiB a minute while the live heap stayed small. Fewer arenas and a periodic trim keep RSS
/// near what is in use.
enum ProcessMemory {
    /// At most two malloc arenas; call before other threads start.
    static func limitArenas() {
        _ = civichub_limit_malloc_arenas(2)
    }

    /// Returns free heap memory to the system every `interval` until cancelled.
    static func returnFreedMemory(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            _ = civichub_malloc_trim()
        }
    }
}
