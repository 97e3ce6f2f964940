/// One row of the outbox (`payment_events`, sql/shard/0003 and 0005): a notification for a
/// merchant about a payment or refund that reached a final state.
public struct WebhookEvent: Sendable, Equatable {
    /// "evt_" + 32 hex; stable across every retry and resend (the merchant's deduplication key).
    public var id: String
    public var paymentId: String
    /// "" for a payment's own events; the refund's id for refund events.
    public var refundId: String
    public var slot: Int
    public var merchantId: String
    /// The wire `type` (payment.succeeded, ...), kept as text so an unknown type still shows.
    public var type: String
    /// The payment or refund object as of the change, serialized JSON, sent exactly as stored.
    public var dataJSON: String
    public var state: WebhookEventState
    /// Attempts made in the current schedule (a resend starts again at 0).
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var createdAt: Timestamp
    /// Per-shard order of writing: a payment's events are delivered in `seq` order.
    public var seq: Int64
    public var lastAttemptAt: Timestamp?
    public var deliveredAt: Timestamp?

    public init(
        id: String, paymentId: String, refundId: String, slot: Int, merchantId: String, type: String, dataJSON: String,
        state: WebhookEventState, attempts: Int, nextAttemptAt: Timestamp, createdAt: Timestamp, seq: Int64,
        lastAttemptAt: Timestamp?, deliveredAt: Timestamp?
    ) {
        self.id = id; self.paymentId = paymentId; self.refundId = refundId; self.slot = slot
        self.merchantId = merchantId; self.type = type; self.dataJSON = dataJSON; self.state = state
        self.attempts = attempts; self.nextAttemptAt = nextAttemptAt; self.createdAt = createdAt; self.seq = seq
        self.lastAttemptAt = lastAttemptAt; self.deliveredAt = deliveredAt
    }

    /// The request body of docs/API.md section 8: `{"id","type","created_at","data"}`, `data` being
    /// the stored JSON inserted as it is (it was written by our own JSONWriter).
    public var body: [UInt8] {
        var writer = JSONWriter(reservingCapacity: dataJSON.utf8.count + 128)
        writer.objectOpen()
        writer.member("id", id)
        writer.member("type", type)
        writer.member("created_at", createdAt.rfc3339)
        writer.key("data")
        writer.raw(Array(dataJSON.utf8))
        writer.objectClose()
        return writer.bytes
    }

    /// For `paygate-admin events list|show`: every column but the data, which `show` adds.
    public func writeSummary(into writer: inout JSONWriter) {
        writer.member("event_id", id)
        writer.member("type", type)
        writer.member("state", state.rawValue)
        writer.member("payment_id", paymentId)
        writer.member("refund_id", refundId.isEmpty ? nil : refundId)
        writer.member("merchant_id", merchantId)
        writer.member("attempts", attempts)
        writer.member("next_attempt_at", state == .pending ? nextAttemptAt.rfc3339Milliseconds : nil)
        writer.member("last_attempt_at", lastAttemptAt?.rfc3339Milliseconds)
        writer.member("delivered_at", deliveredAt?.rfc3339Milliseconds)
        writer.member("created_at", createdAt.rfc3339Milliseconds)
        writer.key("seq"); writer.raw(Array(String(seq).utf8))
    }
}

/// Where an event is in its life. `pending` covers "due", "waiting for a retry" and "being sent".
public enum WebhookEventState: String, Sendable, Equatable, CaseIterable {
    case pending, delivered, dead
}
