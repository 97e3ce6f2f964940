/// A circuit breaker for one channel: after `failureCountThreshold` consecutive
/// failed calls it opens and answers `.rejectNow` at once for `openSeconds`, so a channel that is
/// down costs a merchant a quick 503 `channel_unavailable` instead of a full timeout per request.
/// Then it lets exactly one probe through (half-open): success closes it, failure opens it again.
///
/// A pure value: time is passed in, nothing is shared. The owner keeps one per channel behind its
/// own lock and logs a change of `state.name`; each pool worker process has its own breakers,
/// which is enough to stop that process from queueing behind a dead channel.
///
/// Consecutive failures rather than failures within a window: one success proves the channel
/// answers, and the count needs no clock or history to stay bounded.
public struct CircuitBreaker: Sendable, Equatable {
    public struct Limits: Sendable, Equatable {
        /// Consecutive failed calls that open the breaker.
        public var failureCountThreshold: Int
        /// How long an open breaker rejects before it lets a probe through.
        public var openSeconds: Int64
        /// A probe that has not reported after this long (its caller died or forgot) no longer
        /// holds the half-open slot: the next call becomes the probe. Should exceed the channel
        /// call's total timeout.
        public var probeTimeoutSeconds: Int64

        public init(failureCountThreshold: Int, openSeconds: Int64, probeTimeoutSeconds: Int64) {
            precondition(failureCountThreshold >= 1, "failureCountThreshold must be at least 1")
            precondition(openSeconds >= 1, "openSeconds must be at least 1")
            precondition(probeTimeoutSeconds >= 1, "probeTimeoutSeconds must be at least 1")
            self.failureCountThreshold = failureCountThreshold
            self.openSeconds = openSeconds
            self.probeTimeoutSeconds = probeTimeoutSeconds
        }
    }

    public enum State: Sendable, Equatable {
        /// Calls go through; `consecutiveFailures` is below the threshold.
        case closed(consecutiveFailures: Int)
        /// Calls are rejected until `until`.
        case open(until: Timestamp)
        /// One probe is out since `probeStartedAt`; everything else is rejected until it reports.
        case halfOpen(probeStartedAt: Timestamp)

        /// For /healthz and the logs.
        public var name: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }
    }

    public enum Admission: String, Sendable, Equatable {
        /// Make the call and `record` its outcome.
        case admit
        /// Make the call as the single probe and `record` its outcome: it decides the state.
        case admitProbe
        /// Do not call the channel: answer 503 `channel_unavailable` now.
        case rejectNow
    }

    public let limits: Limits
    public private(set) var state: State

    public init(limits: Limits) {
        self.limits = limits
        self.state = .closed(consecutiveFailures: 0)
    }

    /// Whether a call to the channel may go out now.
    public mutating func admit(now: Timestamp) -> Admission {
        switch state {
        case .closed:
            return .admit
        case .open(let until):
            guard now >= until else { return .rejectNow }
            state = .halfOpen(probeStartedAt: now)
            return .admitProbe
        case .halfOpen(let probeStartedAt):
            guard now >= probeStartedAt.adding(seconds: limits.probeTimeoutSeconds) else { return .rejectNow }
            state = .halfOpen(probeStartedAt: now)
            return .admitProbe
        }
    }

    /// The outcome of an admitted call. A failure is a call without a definite answer (timeout,
    /// unreachable, 5xx); a definite rejection of one order is a success for the breaker, since
    /// the channel answered.
    ///
    /// While open, outcomes are ignored: they belong to calls admitted before it opened and say
    /// nothing new. While half-open, the outcome is taken as the probe's: calls admitted before
    /// the breaker opened ended (by their total timeout) long before `openSeconds` passed.
    public mutating func record(success: Bool, now: Timestamp) {
        switch state {
        case .closed(let consecutiveFailures):
            if success {
                state = .closed(consecutiveFailures: 0)
            } else if consecutiveFailures + 1 >= limits.failureCountThreshold {
                state = .open(until: now.adding(seconds: limits.openSeconds))
            } else {
                state = .closed(consecutiveFailures: consecutiveFailures + 1)
            }
        case .open:
            break
        case .halfOpen:
            state = success ? .closed(consecutiveFailures: 0) : .open(until: now.adding(seconds: limits.openSeconds))
        }
    }
}
