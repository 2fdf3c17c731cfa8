import Testing

extension Trait where Self == TimeLimitTrait {
    /// The time limit of each test in a suite that runs live nodes: far above the slowest such
    /// test (~40 s), so that a hang fails that test by name instead of stalling the whole run.
    static var liveNodes: Self { .timeLimit(.minutes(3)) }
}
