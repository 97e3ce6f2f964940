/// A refund's status (API.md section 6). The raw value is the wire and database text.
public enum RefundStatus: String, Sendable, CaseIterable {
    case processing, succeeded, failed

    public var isFinal: Bool { self != .processing }
}

/// The stored text of `refunds.origin`.
public enum RefundOrigin: String, Sendable, Equatable {
    case merchant
    case latePayment = "late_payment"
}

/// A refund as stored on its payment's shard and shown to the merchant.
public struct Refund: Sendable, Equatable {
    public var id: RefundId
    public var paymentId: PaymentId
    public var merchantId: String
    public var merchantRefundNo: String
    public var amount: Money
    public var channel: Channel
    public var status: RefundStatus
    /// `pending` until the channel acknowledged the request, then `accepted` (see sql/shard/0005).
    public var channelState: ChannelState
    public var reason: String?
    public var channelRefundId: String?
    public var failureCode: String?
    public var version: Int
    public var createdAt: Timestamp
    public var succeededAt: Timestamp?
    /// Who asked for it: the merchant, or paygate itself for a late payment.
    public var origin: RefundOrigin
    /// The channel transaction a late payment's refund gives back (the payment has none of its
    /// own: it was closed or failed when the money came). Nil for a merchant's refund.
    public var sourceTransactionId: String?

    public enum ChannelState: String, Sendable { case pending, accepted }

    public init(
        id: RefundId, paymentId: PaymentId, merchantId: String, merchantRefundNo: String, amount: Money, channel: Channel,
        status: RefundStatus, channelState: ChannelState, reason: String?, channelRefundId: String?, failureCode: String?,
        version: Int, createdAt: Timestamp, succeededAt: Timestamp?, origin: RefundOrigin = .merchant, sourceTransactionId: String? = nil
    ) {
        self.id = id; self.paymentId = paymentId; self.merchantId = merchantId; self.merchantRefundNo = merchantRefundNo
        self.amount = amount; self.channel = channel; self.status = status; self.channelState = channelState
        self.reason = reason; self.channelRefundId = channelRefundId; self.failureCode = failureCode
        self.version = version; self.createdAt = createdAt; self.succeededAt = succeededAt
        self.origin = origin; self.sourceTransactionId = sourceTransactionId
    }

    /// The refund paygate makes itself for a late payment (`PaymentAnomalyKind.refundsPayer`):
    /// the whole amount the channel took, `processing` and due for the worker at once. It is an
    /// ordinary refund from then on (history, `RefundLifecycle`, events), with its own postings.
    /// Its merchant_refund_no is its own id: the merchant never chose one.
    public static func forLatePayment(
        of payment: Payment, amount: Money, transactionId: String, random: UInt64, now: Timestamp
    ) -> Refund {
        let id = RefundId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: payment.id.slot, random: random)
        return Refund(
            id: id, paymentId: payment.id, merchantId: payment.merchantId, merchantRefundNo: id.text, amount: amount,
            channel: payment.channel, status: .processing, channelState: .pending, reason: Refund.latePaymentReason,
            channelRefundId: nil, failureCode: nil, version: 1, createdAt: now, succeededAt: nil,
            origin: .latePayment, sourceTransactionId: transactionId)
    }

    public static let latePaymentReason = "paid after the order was closed or failed"

    /// The refund object of API.md section 6 (plus `reason` and `failure_code`, which merchants
    /// need to act on a failed refund).
    public func writeJSON(into writer: inout JSONWriter) {
        writer.objectOpen()
        writer.member("refund_id", id.text)
        writer.member("payment_id", paymentId.text)
        writer.member("merchant_refund_no", merchantRefundNo)
        writer.member("amount", amount.text)
        writer.member("currency", amount.currency.rawValue)
        writer.member("status", status.rawValue)
        writer.member("reason", reason)
        writer.member("failure_code", failureCode)
        writer.member("created_at", createdAt.rfc3339)
        writer.member("succeeded_at", succeededAt?.rfc3339)
        writer.objectClose()
    }

    public var json: [UInt8] {
        var writer = JSONWriter(reservingCapacity: 384)
        writeJSON(into: &writer)
        return writer.bytes
    }
}
