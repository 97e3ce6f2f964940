import PaygateCore

/// What the worker does with one claimed payment: pure, so its choices are tested without a
/// database or a channel.
public enum WorkerPlan: Equatable, Sendable {
    /// Past `expires_at`: the expiry close (`closeRequested(by: .expiry)`): a `created` payment
    /// closes here; a `processing` one is closed at the channel first.
    case expire
    /// Open, not expired, no callback yet: ask the channel.
    case query
    /// Nothing to do (the payment moved on since it was claimed, or is not due).
    case skip

    /// Expiry wins over a query: an expired order must be closed at the channel, and the close
    /// answer itself says whether it was paid.
    public static func decide(status: PaymentStatus, expiresAt: Timestamp, now: Timestamp) -> WorkerPlan {
        guard status == .created || status == .processing else { return .skip }
        if now >= expiresAt { return .expire }
        // A `created` payment before its expiry waits for the merchant's identical repeat,
        // which retries the prepay; it is not claimed for a query (PaymentStore.claimDue).
        return status == .processing ? .query : .skip
    }

    /// When to look at a payment again after handling it, if it is still open: a `processing`
    /// one at the next point of the query schedule (no later than its expiry, so it is closed on
    /// time), a `created` one at its expiry. An expired payment that is still open (its close
    /// failed: channel down) is tried again after the schedule's first step, never at once: a
    /// down channel must not turn the worker into a busy loop.
    public static func nextCheck(_ payment: Payment, now: Timestamp, schedule: QuerySchedule) -> Timestamp {
        if payment.status == .created, now < payment.expiresAt { return schedule.firstCheck(expiresAt: payment.expiresAt) }
        return schedule.nextCheck(createdAt: payment.createdAt, expiresAt: payment.expiresAt, now: now)
    }

    /// A query the channel's rate limit did not allow now is tried again this much later.
    public static let rateLimitedRetrySeconds: Int64 = 1

    /// Whether another payment of a batch may still be started: the rest of the lease must
    /// cover the longest payment, or a second worker could take it while this one works.
    public static func mayStart(now: Timestamp, leaseEnd: Timestamp, paymentSecondsMax: Int64) -> Bool {
        now.adding(seconds: paymentSecondsMax) < leaseEnd
    }
}
