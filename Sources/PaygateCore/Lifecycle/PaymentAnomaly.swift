/// Something a channel told us that does not fit the order, kept for a person to review. An
/// anomaly never moves money by itself, except the automatic refund of a late payment, which
/// its own `ChannelAction` asks for.
public struct PaymentAnomaly: Sendable, Equatable {
    public var kind: PaymentAnomalyKind
    /// The channel's transaction id, when the report carried one.
    public var transactionId: String?
    /// The amount the channel said it took, when the report carried one.
    public var reportedAmount: Money?

    public init(kind: PaymentAnomalyKind, transactionId: String? = nil, reportedAmount: Money? = nil) {
        self.kind = kind
        self.transactionId = transactionId
        self.reportedAmount = reportedAmount
    }
}

/// The raw value is the stored text; cases are only ever appended.
public enum PaymentAnomalyKind: String, Sendable, Equatable, CaseIterable {
    /// Paid in the order's currency but not the order's amount.
    case amountMismatch = "amount_mismatch"
    /// Paid in another currency than the order's.
    case currencyMismatch = "currency_mismatch"
    /// Paid after we closed the order: refunded automatically.
    case paidAfterClose = "paid_after_close"
    /// Paid after the order failed: refunded automatically.
    case paidAfterFailure = "paid_after_failure"
    /// Paid again under another transaction id than the one recorded: a second payment.
    case conflictingTransactionId = "conflicting_transaction_id"
    /// The channel reports a failure for an order it already reported paid.
    case failedAfterPaid = "failed_after_paid"
    /// The channel reports closed an order it already reported paid.
    case closedAfterPaid = "closed_after_paid"
}

extension PaymentAnomalyKind {
    /// The late-payment policy: money a channel took for an order we closed or failed goes back
    /// to the payer automatically (recorded with the anomaly, carried out by the worker). Other
    /// anomalies wait for a person: refunding a wrong amount or a second transaction by itself
    /// could refund money the payer is owed differently.
    public var refundsPayer: Bool { self == .paidAfterClose || self == .paidAfterFailure }
}

extension PaymentAnomaly {
    /// The fixed refund id of a late payment: 32 letters and digits (fits every channel's refund
    /// number), the same on every retry, so every retry is the same refund at the channel.
    /// `sha256Hex` is PaygateCrypto's (the core does no cryptography itself).
    public static func lateRefundId(_ id: PaymentId, transactionId: String, sha256Hex: ([UInt8]) -> String) -> String {
        "rl" + String(sha256Hex(Array((id.text + "\u{1F}" + transactionId).utf8)).prefix(30))
    }
}
