/// What `PaymentLifecycle` needs to know about one payment: the stored columns that decide what a
/// channel report or a close request means, nothing else. A writer loads it inside the same
/// transaction that will apply the decision (with the row locked or with a compare-and-set on
/// `status`), so the decision is made on the state it changes.
public struct PaymentSnapshot: Sendable, Equatable {
    public var status: PaymentStatus
    /// The order's amount and currency: what the payer must have paid, to the minor unit.
    public var amount: Money
    /// Set once, when the payment becomes `succeeded`; never changes afterwards.
    public var channelTransactionId: String?
    public var expiresAt: Timestamp
    /// Set once with `channelTransactionId`, from the channel's own payment time.
    public var paidAt: Timestamp?
    /// Channel transaction ids for which an automatic refund of a late payment (money taken for an
    /// order that is `closed` or `failed`) was already asked for. Stored as the anomaly rows of kind
    /// `paid_after_close` / `paid_after_failure` (one per payment and transaction id), so a repeated
    /// late callback or query finds its transaction here and refunds nothing a second time.
    public var lateRefundTransactionIds: Set<String>

    public init(
        status: PaymentStatus, amount: Money, channelTransactionId: String? = nil, expiresAt: Timestamp,
        paidAt: Timestamp? = nil, lateRefundTransactionIds: Set<String> = []
    ) {
        self.status = status
        self.amount = amount
        self.channelTransactionId = channelTransactionId
        self.expiresAt = expiresAt
        self.paidAt = paidAt
        self.lateRefundTransactionIds = lateRefundTransactionIds
    }

    /// The snapshot after `decision` has been written: the columns a store persists, for tests
    /// that chain decisions without a store (the stores write them from `StatusWrite`).
    public func applying(_ decision: LifecycleDecision) -> PaymentSnapshot {
        var next = self
        if let write = decision.write {
            precondition(write.source == status, "a decision applied to a snapshot it was not made for")
            next.status = write.target
            if let transactionId = write.channelTransactionId { next.channelTransactionId = transactionId }
            if let paidAt = write.paidAt { next.paidAt = paidAt }
        }
        for action in decision.channelActions {
            if case .refundLatePayment(_, let transactionId) = action {
                next.lateRefundTransactionIds.insert(transactionId)
            }
        }
        return next
    }
}

extension PaymentSnapshot {
    /// What the lifecycle reads of a stored payment, with the transactions of the late payments
    /// already being refunded (`PaymentAnomalyKind.refundsPayer`).
    public init(_ payment: Payment, lateRefundTransactionIds: Set<String>) {
        self.init(
            status: payment.status, amount: payment.amount, channelTransactionId: payment.channelTransactionId,
            expiresAt: payment.expiresAt, paidAt: payment.paidAt, lateRefundTransactionIds: lateRefundTransactionIds)
    }
}
