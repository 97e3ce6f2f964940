/// The shared counters behind risk (velocity, sums, declines, devices), kept where every pool
/// process on every host sees them (Redis: README "Risk"). Every call is bounded by a short
/// timeout; an unreachable store throws `RiskSignalsUnavailable` at once, and the caller applies
/// the configured degraded mode (never a 5xx, never a long stall).
public protocol RiskSignals: Sendable {
    /// Records this create under each of its subjects (count, amount, user on the address,
    /// device of the user) and reads `reading`, all in one round trip; the values read include
    /// this create.
    func observe(_ attempt: RiskAttempt, reading: Set<RiskCounterKey>) throws(RiskSignalsUnavailable) -> RiskObservation
    /// Counts a decline (a risk block, a declined review, a refused prepay) under each subject.
    func recordDecline(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable)
}

/// One create as the counters see it.
public struct RiskAttempt: Sendable, Equatable {
    public var subjects: RiskSubjects
    public var amountMinorUnits: Int64
    public var at: Timestamp

    public init(subjects: RiskSubjects, amountMinorUnits: Int64, at: Timestamp) {
        self.subjects = subjects
        self.amountMinorUnits = amountMinorUnits
        self.at = at
    }
}

/// The counters read for a create; a key whose subject the create lacks is absent.
public struct RiskObservation: Sendable, Equatable {
    public var counters: [RiskCounterKey: Int64]
    /// Nil when the create lacks the device or the user id.
    public var deviceNewToUser: Bool?

    public init(counters: [RiskCounterKey: Int64], deviceNewToUser: Bool?) {
        self.counters = counters
        self.deviceNewToUser = deviceNewToUser
    }
}

/// The counters could not be reached within their timeout (or are resting after a failure).
public struct RiskSignalsUnavailable: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
