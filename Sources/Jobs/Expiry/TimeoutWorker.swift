import Glibc
import HTTPClient
import MariaDB
import PaygateCore
import Services
import Storage
import Synchronization

/// The timeout worker, run by `paygate-worker`: round after round over every shard, it claims a
/// bounded batch of due payments (PaymentStore.claimDue: only rows whose `check_after` has passed)
/// and handles each one outside any transaction: past `expires_at` → the expiry close; otherwise →
/// a query at the channel for a `processing` payment whose callback has not come, at most
/// `queries.channel_rate_per_second` per channel, then the next point of the query schedule. It
/// also finishes refunds the channel has not settled, late payments' refunds among them. Every one of those
/// is a flow of `Services`, the same the HTTP layer calls; this loop only chooses what is due.
/// Any number of workers may run against the same shards, on any host: claims are disjoint.
///
/// Operating errors never end the loop: a shard that is down is skipped and tried again next
/// round; a payment whose handling failed is tried again after the query delay.
public final class TimeoutWorker {
    let services: Services
    let payments: any PaymentStoring
    let limits: WorkerLimits
    let log: Log
    let claimRequest: PaymentClaimRequest
    let paymentSecondsMax: Int64
    let schedule: QuerySchedule
    /// Which of the process's timeout workers this is (in its request ids).
    let threadIndex: Int
    /// One bucket per channel, shared by the process's timeout workers: queries go out no faster
    /// than the channel accepts them, and a token one worker does not use is another's.
    let queryRates: QueryRates
    private var paymentsHandled = 0

    /// `threadIndex` of `limits.threads`, drawing on the process's `queryRates`.
    public init(configuration: Configuration, limits: WorkerLimits, log: Log, threadIndex: Int = 0, queryRates: QueryRates) throws {
        try limits.validate(against: configuration)
        let channels = try ChannelRuntime.load(configuration, log: log)
        let shards = try ShardConnections(configuration: configuration.database)
        Connection.initializeLibraryOnce()
        HTTPClient.initializeOnce()
        let payments = PaymentStore(shards: shards, channelFees: configuration.channelFees)
        self.payments = payments
        // One thread, no work gate: nothing else in this process competes for its CPU.
        services = Services(
            ServiceContext(
                payments: payments, refunds: RefundStore(shards: shards),
                channels: channels.map { LiveChannels(runtime: $0, gate: nil, log: log) }, clock: SystemClock(),
                schedule: configuration.queries.schedule, log: log))
        self.limits = limits
        self.log = log
        claimRequest = PaymentClaimRequest(batchSizeMax: limits.batchSizeMax, leaseSeconds: limits.leaseSeconds)
        schedule = configuration.queries.schedule
        self.threadIndex = threadIndex
        self.queryRates = queryRates
        paymentSecondsMax = WorkerLimits.paymentSecondsMax(
            channelTotalTimeoutMilliseconds: configuration.channels?.totalTimeoutMilliseconds ?? 0,
            lockWaitTimeoutSeconds: configuration.database.lockWaitTimeoutSeconds)
    }

    /// Runs until `stop` is raised; the payment being handled then completes first.
    public func run(until stop: WorkerStop) {
        log.info(
            "started: batch \(limits.batchSizeMax), lease \(limits.leaseSeconds)s, query schedule \(schedule.stepsSeconds)s, refund query delay \(limits.queryDelaySeconds)s, poll \(limits.pollIntervalMilliseconds)ms, \(payments.shardCount) shards"
        )
        while !stop.isRaised {
            // A round that did work goes again at once: more may be due.
            if round(stop) == 0 { stop.wait(milliseconds: limits.pollIntervalMilliseconds) }
        }
        log.info("stopped after \(paymentsHandled) payments")
    }

    /// One pass over every shard. Returns how many payments it handled.
    func round(_ stop: WorkerStop) -> Int {
        var handled = 0
        for shard in 0..<payments.shardCount where !stop.isRaised {
            let claim: PaymentClaim
            do {
                claim = try payments.claimDue(shard: shard, request: claimRequest, now: .now())
            } catch {
                log.warning("claim on \(payments.shardName(shard)) failed, skipped this round: \(error)")
                continue
            }
            handled += work(claim, stop)
            if !stop.isRaised {
                // Refunds the channel has not settled (merchants' and late payments'): sent again
                // (same id) or asked about.
                handled += services.refunds.retryDue(
                    shard: shard, leaseSeconds: limits.leaseSeconds, nextCheckSeconds: limits.queryDelaySeconds,
                    limit: limits.batchSizeMax, requestId: "worker-\(getpid())-merchant-refunds")
            }
        }
        return handled
    }

    /// Handles a claim's payments in order while the stop is not raised and the lease can still
    /// cover one more; gives back the rest so another worker (or the next round) takes them.
    /// Returns how many were really handled: a query the rate limit put off is not work, so a
    /// backlog waiting for tokens lets the worker pause between rounds instead of spinning.
    private func work(_ claim: PaymentClaim, _ stop: WorkerStop) -> Int {
        var next = 0
        var worked = 0
        while next < claim.payments.count, !stop.isRaised,
            WorkerPlan.mayStart(now: .now(), leaseEnd: claim.leaseEnd, paymentSecondsMax: paymentSecondsMax)
        {
            if handle(claim.payments[next]) { worked += 1 }
            next += 1
        }
        let rest = claim.payments[next...].map(\.id)
        if !rest.isEmpty {
            do {
                try payments.release(rest, shard: claim.shard, leaseEnd: claim.leaseEnd, now: .now())
                log.info("gave back \(rest.count) claimed payments on \(payments.shardName(claim.shard))")
            } catch {
                log.warning(
                    "could not give back \(rest.count) payments on \(payments.shardName(claim.shard)) (due again when the lease ends): \(error)"
                )
            }
        }
        return worked
    }

    /// False when the payment was only put off (its channel's query rate is spent).
    private func handle(_ payment: Payment) -> Bool {
        paymentsHandled += 1
        let requestId = "worker-\(getpid())-\(threadIndex)-\(paymentsHandled)"
        let plan = WorkerPlan.decide(status: payment.status, expiresAt: payment.expiresAt, now: .now())
        do {
            switch plan {
            case .expire:
                let outcome = try services.expiry.expire(payment, requestId: requestId)
                log.info("expire \(payment.id.text): \(outcome)", requestId: requestId)
            case .query:
                guard queryRates.take(payment.channel) else {
                    reschedule(payment, at: Timestamp.now().adding(seconds: WorkerPlan.rateLimitedRetrySeconds), requestId: requestId)
                    return false
                }
                log.info("query \(payment.id.text) at \(payment.channel.rawValue): no callback yet", requestId: requestId)
                try services.query.query(payment, requestId: requestId)
            case .skip:
                log.info("skip \(payment.id.text): \(payment.status.rawValue)", requestId: requestId)
            }
        } catch {
            log.warning("\(plan) \(payment.id.text) failed, tried again later: \(error)", requestId: requestId)
        }
        reschedule(payment, at: WorkerPlan.nextCheck(payment, now: .now(), schedule: schedule), requestId: requestId)
        return true
    }

    private func reschedule(_ payment: Payment, at next: Timestamp, requestId: String) {
        do {
            try payments.scheduleCheck(payment.id, at: next)
        } catch {
            log.warning(
                "could not schedule the next check of \(payment.id.text) (due again when the lease ends): \(error)", requestId: requestId)
        }
    }
}

/// The query rate of each channel for one process (`queries.channel_rate_per_second`), one token
/// bucket per channel under a lock, shared by its timeout workers.
public final class QueryRates: Sendable {
    private let buckets: Mutex<[Channel: QueryRateLimit]>
    private let monotonicMilliseconds: @Sendable () -> Int64

    public init(
        ratePerSecond: Int,
        monotonicMilliseconds: @escaping @Sendable () -> Int64 = { Int64(Timestamp.monotonicNanoseconds() / 1_000_000) }
    ) {
        buckets = Mutex(
            Dictionary(
                uniqueKeysWithValues: Channel.allCases.map { ($0, QueryRateLimit(ratePerSecond: ratePerSecond, burst: ratePerSecond)) }))
        self.monotonicMilliseconds = monotonicMilliseconds
    }

    /// A token for one query to `channel`, if there is one now.
    public func take(_ channel: Channel) -> Bool {
        let now = monotonicMilliseconds()
        return buckets.withLock { $0[channel]?.take(nowMilliseconds: now) ?? false }
    }
}
