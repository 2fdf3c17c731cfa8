import Foundation

/// Where the node reads the time, so use cases and workers can run on a manual clock in tests.
public protocol Clock: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// The wall clock.
public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
}
