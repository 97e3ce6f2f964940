import PaygateCore

/// The timeout worker's limits. Defaults are chosen for a real deployment; `paygate-worker`
/// flags override each one (the end-to-end stack shortens the query delay and the poll interval).
public struct WorkerLimits: Sendable, Equatable {
    /// Payments taken per claim on one shard (bounded work per transaction and per lease).
    public var batchSizeMax = 32
    /// How long a claim keeps other workers off its payments. A worker stops starting new
    /// payments of a batch once the rest of the lease could not cover one more (see
    /// `paymentSecondsMax`), so a lease never runs out under a payment being handled.
    public var leaseSeconds: Int64 = 120
    /// A refund the channel has not settled is asked about again this long after each answer
    /// that leaves it open. (Payments follow `queries.schedule_seconds` of the configuration,
    /// which the pool needs too: it sets the first query when a prepay is accepted.)
    public var queryDelaySeconds: Int64 = 60
    /// The pause after a round that found nothing to do on any shard.
    public var pollIntervalMilliseconds: Int64 = 1_000
    /// Timeout workers in the process, each its own thread with its own claims: a payment whose
    /// channel call waits out its timeout holds up one of them, not every due payment behind it.
    /// They draw on one query rate per channel (`QueryRates`).
    public var threads = 4
    public static let threadsMax = 64

    public init() {}

    /// The longest one payment can take: an expiry close at the channel, then a query when the
    /// channel says "already paid" without details (two channel calls), plus two transactions
    /// that may each wait for a row lock.
    public static func paymentSecondsMax(channelTotalTimeoutMilliseconds: Int, lockWaitTimeoutSeconds: Int) -> Int64 {
        let channelCallsPerPaymentMax: Int64 = 2
        let transactionsPerPaymentMax: Int64 = 3
        let callSeconds = (Int64(channelTotalTimeoutMilliseconds) + 999) / 1000
        return channelCallsPerPaymentMax * callSeconds + transactionsPerPaymentMax * Int64(lockWaitTimeoutSeconds)
    }

    /// The limits must agree with each other and with the configuration: a lease shorter than
    /// the longest payment could let a second worker take a payment that is still being handled.
    public func validate(against configuration: Configuration) throws(WorkerLimitsError) {
        guard batchSizeMax >= 1, batchSizeMax <= 1_000 else { throw WorkerLimitsError("--batch-size must be 1...1000") }
        guard queryDelaySeconds >= 1 else { throw WorkerLimitsError("--query-delay-seconds must be >= 1") }
        guard (1...Self.threadsMax).contains(threads) else { throw WorkerLimitsError("--threads must be 1...\(Self.threadsMax)") }
        guard pollIntervalMilliseconds >= 10, pollIntervalMilliseconds <= 60_000 else {
            throw WorkerLimitsError("--poll-interval-ms must be 10...60000")
        }
        let timeout = configuration.channels?.totalTimeoutMilliseconds ?? 0
        let paymentSeconds = WorkerLimits.paymentSecondsMax(
            channelTotalTimeoutMilliseconds: timeout, lockWaitTimeoutSeconds: configuration.database.lockWaitTimeoutSeconds)
        guard leaseSeconds >= 2 * paymentSeconds else {
            throw WorkerLimitsError(
                "--lease-seconds must be >= \(2 * paymentSeconds) (twice the longest payment: two channel calls of \(timeout) ms and three lock waits)"
            )
        }
    }
}

public struct WorkerLimitsError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
