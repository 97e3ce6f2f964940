import MariaDB
import PaygateCore

/// The merchant-webhook outbox on every shard: claims for the dispatcher, the
/// record of each attempt, and the admin's list/show/resend. Events are written by the state
/// changes themselves (PaymentStore+Lifecycle, the refund store) in their own transactions; this
/// store never creates one.
public struct EventStore {
    public let shards: ShardConnections

    public init(shards: ShardConnections) { self.shards = shards }

    /// What one claim asks for (the `webhooks` configuration fills it in): the same limits as a
    /// claim of due payments.
    public typealias ClaimRequest = ClaimLimits

    /// An event to deliver and where to.
    public struct ClaimedEvent: Sendable {
        public var event: WebhookEvent
        /// The payment's notify_url; nil if the payment row is missing (a broken invariant that
        /// the attempt records rather than a crash).
        public var notifyURL: String?
    }

    /// Events one dispatcher holds on one shard until `leaseEnd`.
    public struct Claim: Sendable {
        public var shard: Int
        public var events: [ClaimedEvent]
        /// The `next_attempt_at` written on every claimed row.
        public var leaseEnd: Timestamp
    }

    /// Where an event lives: it carries no slot in its id, so admins search every shard.
    func locate(eventId: String) throws -> (shard: Int, event: WebhookEvent)? {
        for shard in 0..<shards.shardCount {
            let rows = try shards.read(shard: shard) { connection in
                try connection.query("SELECT \(EventRow.columns) FROM payment_events WHERE event_id = ?", [.text(eventId)])
            }
            if let row = rows.first { return (shard, try EventRow.decode(row, shard: shards.shardNames[shard])) }
        }
        return nil
    }
}

extension ClaimLimits {
    /// Events read (without locks) per claim: more than the batch, because other dispatchers may
    /// hold some of them and SKIP LOCKED passes those by.
    var candidateCountMax: Int { batchSizeMax * 4 }
}
