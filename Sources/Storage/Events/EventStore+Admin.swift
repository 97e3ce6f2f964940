import MariaDB
import PaygateCore

/// `paygate-admin events list|show|resend`: reads across shards and the one write an admin makes.
extension EventStore {
    /// Rows one `events list` prints at most, whatever `--limit` asks.
    public static let listCountMax = 1_000

    public struct ListFilter: Sendable {
        public var state: WebhookEventState?
        public var paymentId: PaymentId?
        public var limit: Int

        public init(state: WebhookEventState?, paymentId: PaymentId?, limit: Int) {
            precondition((1...EventStore.listCountMax).contains(limit), "list limit out of range")
            self.state = state
            self.paymentId = paymentId
            self.limit = limit
        }
    }

    /// The newest events matching `filter`, newest first. A payment's events are read from its
    /// shard only; otherwise every shard gives its newest `limit` and they are merged.
    public func list(_ filter: ListFilter) throws -> [WebhookEvent] {
        var conditions: [String] = []
        var parameters: [DatabaseValue] = []
        if let state = filter.state { conditions.append("state = ?"); parameters.append(.text(state.rawValue)) }
        if let paymentId = filter.paymentId { conditions.append("payment_id = ?"); parameters.append(.text(paymentId.text)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // Newest first by `seq` (written order, unique index): no sort of the whole table.
        let sql = "SELECT \(EventRow.columns) FROM payment_events \(whereClause) ORDER BY seq DESC LIMIT ?"
        let shardIndexes = filter.paymentId.map { [shards.shardIndex(forSlot: $0.slot)] } ?? Array(0..<shards.shardCount)
        var events: [WebhookEvent] = []
        for shard in shardIndexes {
            let rows = try shards.read(shard: shard) { connection in
                try connection.query(sql, parameters + [.init(filter.limit)])
            }
            events += try rows.map { row throws(StorageError) in try EventRow.decode(row, shard: shards.shardNames[shard]) }
        }
        events.sort { ($0.createdAt, $0.seq) > ($1.createdAt, $1.seq) }
        return Array(events.prefix(filter.limit))
    }

    /// An event and every attempt ever made to deliver it (across resends), oldest first.
    public func show(eventId: String) throws -> (event: WebhookEvent, attempts: [StoredWebhookAttempt])? {
        guard let (shard, event) = try locate(eventId: eventId) else { return nil }
        let rows = try shards.read(shard: shard) { connection in
            try connection.query(
                "SELECT id, attempt, attempted_at, http_status, latency_ms, error FROM webhook_attempts WHERE event_id = ? ORDER BY id",
                [.text(eventId)])
        }
        let attempts = try rows.map { row throws(StorageError) -> StoredWebhookAttempt in
            guard let id = row[0].flatMap({ Int64($0) }), let number = row[1].flatMap({ Int($0) }), number >= 1,
                let attemptedAt = row[2].flatMap({ Timestamp(parsing: $0) }),
                let latency = row[4].flatMap({ Int($0) })
            else {
                throw StorageError.corrupt(shard: shards.shardNames[shard], detail: "webhook attempt of \(eventId)")
            }
            let attempt = WebhookAttempt(
                number: number, attemptedAt: attemptedAt, httpStatus: row[3].flatMap { Int($0) },
                latencyMilliseconds: latency, error: row[5])
            return StoredWebhookAttempt(attempt: attempt, id: id)
        }
        return (event, attempts)
    }

    public enum ResendOutcome: Sendable {
        /// Pending again with a fresh schedule and the same event id.
        case resent(WebhookEvent)
        /// Already pending: it is on its schedule (or being sent); nothing changed.
        case alreadyPending(WebhookEvent)
        case notFound
    }

    /// docs/API.md section 8: a dead-lettered (or delivered) event starts a fresh schedule, due now,
    /// with the same id. Its earlier attempts stay on record.
    public func resend(eventId: String, now: Timestamp) throws -> ResendOutcome {
        guard let (shard, event) = try locate(eventId: eventId) else { return .notFound }
        if event.state == .pending { return .alreadyPending(event) }
        let changed = try shards.withDeadlockRetry(shard: shard) { connection in
            try connection.execute(
                """
                UPDATE payment_events SET state = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL
                WHERE event_id = ? AND state IN ('dead', 'delivered')
                """,
                [.text(now.databaseString), .text(eventId)])
        }
        guard let (_, current) = try locate(eventId: eventId) else { return .notFound }
        return changed == 1 ? .resent(current) : .alreadyPending(current)
    }
}
