import MariaDB
import PaygateCore

/// The dispatcher's side of the outbox. An event is due when it is `pending`, its
/// `next_attempt_at` has passed, and no earlier event (lower `seq`) of the same payment is still
/// `pending`: a payment's events reach the merchant in the order they were written.
///
/// A claim is one short READ COMMITTED transaction: a plain read picks the candidates (ordering
/// rule included), then `FOR UPDATE SKIP LOCKED` locks those still due, and their
/// `next_attempt_at` moves to the end of a lease. Dispatchers on any host therefore take disjoint
/// batches, and nobody takes a claimed event again until its lease ends (a dispatcher that died
/// mid-batch loses nothing). The ordering rule is evaluated by the plain read, not inside the
/// locking statement, on purpose: a locking read with SKIP LOCKED would pass over an earlier
/// event that another dispatcher is claiming at that moment and wrongly find the payment clear.
extension EventStore {
    public func claimDue(shard: Int, request: ClaimRequest, now: Timestamp) throws -> Claim {
        let leaseEnd = now.adding(seconds: request.leaseSeconds)
        let shardName = shards.shardNames[shard]
        // No gap locks on the (state, next_attempt_at) range, so a claim never holds up the
        // inserts of new events.
        let events = try shards.transaction(shard: shard, isolation: .readCommitted) { connection -> [ClaimedEvent] in
            let candidates = try connection.query(
                """
                SELECT e.event_id FROM payment_events e
                WHERE e.state = 'pending' AND e.next_attempt_at <= ?
                  AND NOT EXISTS (SELECT 1 FROM payment_events earlier
                                  WHERE earlier.payment_id = e.payment_id AND earlier.state = 'pending'
                                    AND earlier.seq < e.seq)
                ORDER BY e.next_attempt_at LIMIT ?
                """,
                [.text(now.databaseString), .init(request.candidateCountMax)])
            if candidates.isEmpty { return [] }
            let ids = try candidates.map { row throws(DatabaseError) in try row.required(0) }
            // Locked and checked again: another dispatcher may have claimed some meanwhile
            // (their lease moved next_attempt_at) or be holding them right now (skipped).
            let rows = try connection.query(
                """
                SELECT \(EventRow.columns) FROM payment_events
                WHERE event_id IN (\(EventStore.marks(ids.count))) AND state = 'pending' AND next_attempt_at <= ?
                ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED
                """,
                ids.map { .text($0) } + [.text(now.databaseString), .init(request.batchSizeMax)])
            let claimed = try rows.map { row throws(StorageError) in try EventRow.decode(row, shard: shardName) }
            if claimed.isEmpty { return [] }
            let updated = try connection.execute(
                "UPDATE payment_events SET next_attempt_at = ? WHERE event_id IN (\(EventStore.marks(claimed.count)))",
                [.text(leaseEnd.databaseString)] + claimed.map { .text($0.id) })
            precondition(updated == claimed.count, "claimed events changed under their locks")
            let urls = try notifyURLs(of: Set(claimed.map(\.paymentId)), connection)
            return claimed.map { ClaimedEvent(event: $0, notifyURL: urls[$0.paymentId]) }
        }
        return Claim(shard: shard, events: events, leaseEnd: leaseEnd)
    }

    /// The payments' notify_url, read without locking them (payments are busy rows).
    private func notifyURLs(of paymentIds: Set<String>, _ connection: Connection) throws -> [String: String] {
        let ids = Array(paymentIds)
        let rows = try connection.query(
            "SELECT payment_id, notify_url FROM payments WHERE payment_id IN (\(EventStore.marks(ids.count)))",
            ids.map { .text($0) })
        var urls: [String: String] = [:]
        for row in rows {
            if let id = row[0], let url = row[1] { urls[id] = url }
        }
        return urls
    }

    /// Records one attempt and the event's next state in one transaction. The update applies
    /// only while the event is still the claimed one (pending, same attempt count): if the lease
    /// ran out and another dispatcher recorded first, the attempt is still kept, the state is not
    /// touched twice. Returns whether the event row was updated.
    @discardableResult
    public func record(_ attempt: WebhookAttempt, of event: WebhookEvent, update: WebhookEventUpdate) throws -> Bool {
        let shard = shards.shardIndex(forSlot: event.slot)
        return try shards.transaction(shard: shard) { connection in
            try connection.execute(
                """
                INSERT INTO webhook_attempts (event_id, slot, attempt, attempted_at, http_status, latency_ms, error)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(event.id), .init(event.slot), .init(attempt.number), .text(attempt.attemptedAt.databaseString),
                    attempt.httpStatus.map { .init($0) } ?? .null, .init(attempt.latencyMilliseconds), .init(attempt.error),
                ])
            let updated = try connection.execute(
                """
                UPDATE payment_events SET state = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?, delivered_at = ?
                WHERE event_id = ? AND state = 'pending' AND attempts = ?
                """,
                [
                    .text(update.state.rawValue), .init(update.attempts), .text(update.nextAttemptAt.databaseString),
                    .text(attempt.attemptedAt.databaseString), .init(update.deliveredAt?.databaseString),
                    .text(event.id), .init(event.attempts),
                ])
            return updated == 1
        }
    }

    /// Gives back claimed events the dispatcher did not reach (it is stopping): due again at
    /// once. Only rows whose lease is still ours are touched.
    public func release(_ events: [WebhookEvent], shard: Int, leaseEnd: Timestamp, now: Timestamp) throws {
        guard !events.isEmpty else { return }
        _ = try shards.withDeadlockRetry(shard: shard) { connection in
            try connection.execute(
                """
                UPDATE payment_events SET next_attempt_at = ?
                WHERE state = 'pending' AND next_attempt_at = ? AND event_id IN (\(EventStore.marks(events.count)))
                """,
                [.text(now.databaseString), .text(leaseEnd.databaseString)] + events.map { .text($0.id) })
        }
    }

    static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
