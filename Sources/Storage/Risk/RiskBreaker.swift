/// The rule that keeps an unreachable Redis from costing a timeout on every create: after a
/// failure every call is refused at once for `retryAfterNanoseconds`; then exactly one call is let
/// through to try again (the others are still refused while it runs); its success closes the
/// breaker, its failure rests it again. Pure: the caller passes the monotonic time.
///
///     state    event                     next      the call
///     closed   admit                     closed    proceeds
///     open     admit before the time     open      refused
///     open     admit at or after it      trying    proceeds (the one trial)
///     trying   admit                     trying    refused
///     any      succeeded                 closed
///     any      failed                    open(now + retry after)
struct RiskBreaker: Equatable {
    enum State: Equatable {
        case closed
        case open(untilNanoseconds: UInt64)
        case trying
    }

    let retryAfterNanoseconds: UInt64
    private(set) var state = State.closed

    init(retryAfterMilliseconds: Int) {
        precondition(retryAfterMilliseconds > 0, "retry_after_milliseconds must be positive")
        retryAfterNanoseconds = UInt64(retryAfterMilliseconds) * 1_000_000
    }

    /// Whether a call may go to Redis now.
    mutating func admit(nowNanoseconds: UInt64) -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until) where nowNanoseconds >= until:
            state = .trying
            return true
        case .open, .trying:
            return false
        }
    }

    mutating func succeeded() { state = .closed }

    mutating func failed(nowNanoseconds: UInt64) { state = .open(untilNanoseconds: nowNanoseconds + retryAfterNanoseconds) }
}
