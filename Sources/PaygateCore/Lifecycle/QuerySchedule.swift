/// When the timeout worker next looks at an open payment (its `check_after`). Callbacks are the
/// primary path; active queries are the fallback, so they thin out as an order ages instead of
/// repeating at a fixed rate until it expires:
/// - a `created` payment (no prepay accepted yet) needs nothing before its expiry close;
/// - a `processing` one is queried at `stepsSeconds` intervals counted from its creation (by
///   default 30 s, 1 min, 2 min, 5 min and 10 min after each other), then left for the expiry
///   close, which asks the channel once more anyway;
/// - an expired payment whose close did not go through (channel down) is tried again after the
///   first step, never at once, so a dead channel cannot turn the worker into a busy loop.
/// Pure: the pool (at the prepay) and the worker (after each query) write what it says.
public struct QuerySchedule: Sendable, Equatable {
    public static let stepCountMax = 32
    public var stepsSeconds: [Int64]

    public init(stepsSeconds: [Int64]) {
        precondition(!stepsSeconds.isEmpty && stepsSeconds.allSatisfy { $0 >= 1 }, "a query schedule needs steps of at least 1 s")
        self.stepsSeconds = stepsSeconds
    }

    /// A new payment, still `created`: due at its expiry.
    public func firstCheck(expiresAt: Timestamp) -> Timestamp { expiresAt }

    /// The payment became `processing` (prepay accepted): its first query.
    public func afterPrepay(createdAt: Timestamp, expiresAt: Timestamp) -> Timestamp {
        min(createdAt.adding(seconds: stepsSeconds[0]), expiresAt)
    }

    /// After the worker handled an open payment at `now`: the next point of the schedule after
    /// `now`, or the expiry when the schedule is spent.
    public func nextCheck(createdAt: Timestamp, expiresAt: Timestamp, now: Timestamp) -> Timestamp {
        if now >= expiresAt { return now.adding(seconds: stepsSeconds[0]) }
        var point = createdAt
        for step in stepsSeconds {
            point = point.adding(seconds: step)
            if point > now { return min(point, expiresAt) }
        }
        return expiresAt
    }
}
