/// The refunds of every shard as the flows see them (see `PaymentStoring`). Every change locks
/// the payment first and then the refund, so refunds of one payment are decided one at a time.
public protocol RefundStoring {
    /// Admits a merchant's refund request (`RefundAdmission`, under the payment's lock) and
    /// inserts it `processing`, reserving its amount, with its first history row and the nonce.
    /// Throws `RefundRefusal` (nothing written) or `NonceReused`.
    func create(_ request: CreateRefundRequest, merchantId: String, nonce: RequestNonce?, requestId: String) throws -> RefundCreateOutcome

    /// Decides a channel's word on a refund (`RefundLifecycle`) and writes it with the payment's
    /// change, the posting, the event and any anomaly. Nil: no such refund (on that channel).
    func apply(_ event: RefundEvent, to id: RefundId, channel: Channel?, reason: String, requestId: String) throws -> AppliedRefundDecision?

    func find(id: RefundId, merchantId: String) throws -> Refund?
    func findAny(id: RefundId) throws -> Refund?

    /// The worker's claims: refunds without a final answer whose next check has come.
    func claimDue(shard: Int, now: Timestamp, leaseSeconds: Int64, limit: Int) throws -> [Refund]
    func scheduleCheck(_ id: RefundId, at time: Timestamp) throws
}

public enum RefundCreateOutcome: Sendable {
    /// A new refund, `processing`, with the payment as locked (for the channel call).
    case created(Refund, Payment)
    /// The same merchant_refund_no with the same amount (API: 200 with the existing refund).
    case existing(Refund)
}

/// A refund decision as carried out: the refund and payment afterwards.
public struct AppliedRefundDecision: Sendable {
    public var refund: Refund
    public var payment: Payment
    public var decision: RefundDecision

    public init(refund: Refund, payment: Payment, decision: RefundDecision) {
        self.refund = refund
        self.payment = payment
        self.decision = decision
    }
}
