/// A token bucket: at most `ratePerSecond` takes per second on average, `burst` at once. Real
/// channels cap each merchant's query rate; the timeout worker keeps one bucket per channel so a
/// backlog of due orders is queried at a pace the channel accepts instead of all at once. Pure:
/// the caller passes the monotonic time.
public struct QueryRateLimit: Sendable, Equatable {
    public let ratePerSecond: Int
    public let burst: Int
    /// Tokens in thousandths, so whole-millisecond refills do not round away at low rates.
    private var milliTokens: Int64
    private var refilledAtMilliseconds: Int64?

    public init(ratePerSecond: Int, burst: Int) {
        precondition(ratePerSecond >= 1 && burst >= 1, "a rate limit needs a rate and a burst of at least 1")
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        milliTokens = Int64(burst) * 1000
    }

    /// Takes one token if there is one.
    public mutating func take(nowMilliseconds: Int64) -> Bool {
        if let last = refilledAtMilliseconds {
            let elapsed = max(0, nowMilliseconds - last)
            milliTokens = min(Int64(burst) * 1000, milliTokens + elapsed * Int64(ratePerSecond))
        }
        refilledAtMilliseconds = nowMilliseconds
        guard milliTokens >= 1000 else { return false }
        milliTokens -= 1000
        return true
    }
}
