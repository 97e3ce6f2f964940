/// Where the flows read the time: the system's in service, a hand-moved one in tests (expiry,
/// query schedules and leases are then exercised without waiting).
public protocol Clock: Sendable {
    func now() -> Timestamp
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Timestamp { .now() }
}
