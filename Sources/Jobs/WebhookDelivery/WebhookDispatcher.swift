import PaygateCore
import PaygateCrypto
import Storage

/// One delivery thread of the merchant webhook dispatcher, run inside
/// `paygate-worker` (see `WebhookThreads`). Round after round over every shard it claims a bounded
/// batch of due events (EventStore.claimDue: SKIP LOCKED and a lease, so any number of threads and
/// hosts share the work), sends each one (WebhookSender), and records the attempt and the event's
/// next state in one transaction. It owns its connections, merchant cache and libcurl handle.
///
/// Operating errors never end the loop: a shard that is down is skipped and tried again next
/// round; an event whose attempt could not be recorded is due again when its lease ends (delivery
/// is at least once, and the event id lets the merchant deduplicate).
final class WebhookDispatcher {
    let name: String
    let log: Log
    let schedule: WebhookSchedule
    let claimRequest: EventStore.ClaimRequest
    let pollIntervalMilliseconds: Int64
    /// The longest one event can take: the send, then a merchant read and the record transaction,
    /// each of which may wait for a lock. No event is started with less than this left of the lease.
    let eventSecondsMax: Int64
    let shards: ShardConnections
    let events: EventStore
    let merchants: MerchantCache
    let sender: WebhookSender
    /// Where this thread starts each round, so threads do not all queue on the same shard first.
    private let firstShard: Int
    private var shardDown: [Bool]
    private var eventsSent = 0

    init(configuration: Configuration, keys: KeyRing, index: Int, log: Log) throws {
        let webhooks = configuration.webhooks
        name = "webhooks-\(index)"
        self.log = log
        schedule = WebhookSchedule(webhooks)
        claimRequest = EventStore.ClaimRequest(batchSizeMax: webhooks.batchMax, leaseSeconds: Int64(webhooks.leaseSeconds))
        pollIntervalMilliseconds = Int64(webhooks.pollIntervalMilliseconds)
        eventSecondsMax = Int64(webhooks.timeoutSeconds) + 2 * Int64(configuration.database.lockWaitTimeoutSeconds)
        shards = try ShardConnections(configuration: configuration.database)
        events = EventStore(shards: shards)
        merchants = MerchantCache(
            directory: MerchantDirectory(connections: shards, keys: keys), ttlSeconds: configuration.merchantCacheSeconds)
        sender = WebhookSender(configuration: configuration)
        firstShard = index % max(1, shards.shardCount)
        shardDown = Array(repeating: false, count: shards.shardCount)
    }

    /// Runs until `stop` is raised; the event being sent then completes and is recorded first.
    func run(until stop: WorkerStop) {
        log.info(
            "\(name) started: \(shards.shardCount) shards, batch \(claimRequest.batchSizeMax), lease \(claimRequest.leaseSeconds)s, \(schedule.attemptsMax) attempts"
        )
        while !stop.isRaised {
            // A round that sent something goes again at once: more may be due.
            if round(stop) == 0 { stop.wait(milliseconds: pollIntervalMilliseconds) }
        }
        log.info("\(name) stopped after \(eventsSent) attempts")
    }

    /// One pass over every shard. Returns how many attempts it made.
    func round(_ stop: WorkerStop) -> Int {
        var sent = 0
        for offset in 0..<shards.shardCount where !stop.isRaised {
            let shard = (firstShard + offset) % shards.shardCount
            let claim: EventStore.Claim
            do {
                claim = try events.claimDue(shard: shard, request: claimRequest, now: .now())
                noteShard(shard, down: false, error: nil)
            } catch {
                noteShard(shard, down: true, error: error)
                continue
            }
            sent += work(claim, stop)
        }
        return sent
    }

    /// A shard going down or coming back is logged once per change, not once per poll.
    private func noteShard(_ shard: Int, down: Bool, error: (any Error)?) {
        guard shardDown[shard] != down else { return }
        shardDown[shard] = down
        if down {
            log.warning("\(name): claims on \(shards.shardNames[shard]) fail, skipping it until it answers: \(error.map { "\($0)" } ?? "")")
        } else {
            log.info("\(name): \(shards.shardNames[shard]) answers again")
        }
    }

    /// Sends a claim's events in order while the stop is not raised and the lease can still cover
    /// one more; gives back the rest (also after a failure to read the merchant directory).
    private func work(_ claim: EventStore.Claim, _ stop: WorkerStop) -> Int {
        var next = 0
        while next < claim.events.count, !stop.isRaised,
            Timestamp.now().adding(seconds: eventSecondsMax) < claim.leaseEnd
        {
            guard deliver(claim.events[next]) else { break }
            next += 1
        }
        let rest = claim.events[next...].map(\.event)
        if !rest.isEmpty {
            do {
                try events.release(rest, shard: claim.shard, leaseEnd: claim.leaseEnd, now: .now())
            } catch {
                log.warning(
                    "\(name): could not give back \(rest.count) events on \(shards.shardNames[claim.shard]) (due again when the lease ends): \(error)"
                )
            }
        }
        return next
    }

    /// One attempt of one event, recorded. False when nothing was attempted because the
    /// merchant's secret could not be read (the directory is down): the caller gives the event back.
    private func deliver(_ claimed: EventStore.ClaimedEvent) -> Bool {
        let event = claimed.event
        let attempt: WebhookAttempt
        do {
            attempt = try attemptDelivery(claimed)
        } catch {
            log.warning("\(name): webhook \(event.id) not sent, the merchant directory did not answer: \(error)")
            return false
        }
        eventsSent += 1
        let update = event.update(after: attempt, schedule: schedule)
        do {
            let applied = try events.record(attempt, of: event, update: update)
            log.info(
                "webhook \(event.id) \(event.type) payment \(event.paymentId) attempt \(attempt.number): \(WebhookDispatcher.summary(attempt, update))\(applied ? "" : " (event already moved on; attempt kept)")"
            )
        } catch {
            log.warning(
                "\(name): webhook \(event.id) attempt \(attempt.number) could not be recorded (due again when its lease ends): \(error)")
        }
        return true
    }

    /// Sends, or decides without sending that it cannot ever be sent (no payment row, no
    /// merchant). Throws only when the merchant directory cannot be read.
    private func attemptDelivery(_ claimed: EventStore.ClaimedEvent) throws -> WebhookAttempt {
        let event = claimed.event
        guard let notifyURL = claimed.notifyURL else {
            return WebhookAttempt(
                number: event.nextAttemptNumber, attemptedAt: .now(), httpStatus: nil, latencyMilliseconds: 0,
                error: "the event's payment was not found", isPermanentFailure: true)
        }
        guard let merchant = try merchants.merchant(id: event.merchantId) else {
            return WebhookAttempt(
                number: event.nextAttemptNumber, attemptedAt: .now(), httpStatus: nil, latencyMilliseconds: 0,
                error: "the event's merchant was not found", isPermanentFailure: true)
        }
        return sender.send(event, to: notifyURL, secrets: merchant.webhookSecrets(at: .now()))
    }

    static func summary(_ attempt: WebhookAttempt, _ update: WebhookEventUpdate) -> String {
        let answer = attempt.httpStatus.map { "HTTP \($0)" } ?? (attempt.error ?? "no answer")
        switch update.state {
        case .delivered:
            return "delivered (\(answer)) in \(attempt.latencyMilliseconds) ms"
        case .pending:
            let wait = (update.nextAttemptAt.millisecondsSinceEpoch - attempt.attemptedAt.millisecondsSinceEpoch) / 1000
            return "failed (\(answer)) in \(attempt.latencyMilliseconds) ms, retry in \(wait) s"
        case .dead:
            return "failed (\(answer)), dead-lettered after \(update.attempts) attempts"
        }
    }
}
