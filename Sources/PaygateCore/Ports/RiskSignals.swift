/// The shared counters behind risk (velocity, sums, declines, devices), kept where every pool
/// process on every host sees them (Redis: README "Risk"). Every call is bounded by a short
/// timeout; an unreachable store throws `RiskSignalsUnavailable` at once, and the caller applies
/// the configured degraded mode (never a 5xx, never a long stall).
public protocol RiskSignals: Sendable {
    /// Records this create under each of its subjects (count, amount, user on the address) and
    /// reads `reading`, all in one round trip; the values read include this create. An order is
    /// counted once (`RiskAttempt.order`): a repeat of it, a retry after a channel outage or a
    /// replayed request reads without counting again. Whether the device is new to the user is
    /// read, not written: a device becomes known through `rememberDevice`.
    func observe(_ attempt: RiskAttempt, reading: Set<RiskCounterKey>) throws(RiskSignalsUnavailable) -> RiskObservation
    /// Remembers the device as its user's (once a create from it was allowed: an attempt that was
    /// held or blocked must not make the device look familiar on the next try).
    func rememberDevice(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable)
    /// Counts a decline (a risk block, a declined review, a refused prepay) under each subject.
    func recordDecline(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable)
}

/// One create as the counters see it.
public struct RiskAttempt: Sendable, Equatable {
    /// How long an order is remembered as counted: the Idempotency-Key's day (docs/API.md
    /// section 7), the longest a merchant retries one create.
    public static let orderMemorySeconds: Int64 = 86_400

    public var subjects: RiskSubjects
    public var amountMinorUnits: Int64
    public var at: Timestamp
    /// The order this create is for (merchant and merchant_order_no), counted once; nil counts
    /// every call.
    public var order: String?

    public init(subjects: RiskSubjects, amountMinorUnits: Int64, at: Timestamp, order: String? = nil) {
        self.subjects = subjects
        self.amountMinorUnits = amountMinorUnits
        self.at = at
        self.order = order
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
