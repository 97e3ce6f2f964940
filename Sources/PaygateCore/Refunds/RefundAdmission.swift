/// Whether a merchant's refund request may become a refund (docs/API.md section 6): pure, decided
/// under the payment's row lock by whatever store executes it, so that concurrent refunds of one
/// payment are decided one after another and never accept more than the payment covers.
///
/// The refundable balance is the payment's amount less every refund that has not failed: a
/// refund reserves its amount when it is created, and gives it back only by failing.
public enum RefundAdmission {
    /// A request that repeats a merchant_refund_no already used on this payment.
    public static func repeated(existing: Refund, requestedAmount: Money) -> Result<Refund, RefundRefusal> {
        existing.amount == requestedAmount ? .success(existing) : .failure(.refundNumberConflict)
    }

    /// A new merchant_refund_no: admitted when the payment is refundable and the amount fits in
    /// what the refunds so far (`reserved`) leave of it.
    public static func admit(paymentStatus: PaymentStatus, paymentAmount: Money, reserved: Money, requestedAmount: Money) -> RefundRefusal?
    {
        guard paymentStatus.isRefundable else { return .notRefundable(paymentStatus) }
        guard reserved + requestedAmount <= paymentAmount else { return .exceedsRefundable(left: paymentAmount - reserved) }
        return nil
    }
}

extension PaymentStatus {
    /// Money can still go back to the payer: it was paid and not refunded in full.
    public var isRefundable: Bool { self == .succeeded || self == .partiallyRefunded }
}

/// Why a refund request is refused. Stores throw it (inside the transaction, which rolls back
/// everything, nonce included); the merchant sees it as the `APIError` it maps to.
public enum RefundRefusal: Error, Sendable, Equatable {
    case paymentNotFound
    /// The amount does not fit the payment's currency (its minor units).
    case invalidAmount(APIError)
    /// The merchant_refund_no exists for this payment with another amount.
    case refundNumberConflict
    case notRefundable(PaymentStatus)
    case exceedsRefundable(left: Money)

    public func apiError(paymentId: PaymentId, merchantRefundNo: String) -> APIError {
        switch self {
        case .paymentNotFound:
            APIError(.notFound, "No payment \(paymentId.text).")
        case .invalidAmount(let error):
            error
        case .refundNumberConflict:
            APIError(
                .orderConflict, "merchant_refund_no \(merchantRefundNo) already exists for this payment with a different amount.",
                field: "merchant_refund_no")
        case .notRefundable(let status):
            APIError(.invalidState, "A payment in status \(status.rawValue) cannot be refunded.")
        case .exceedsRefundable(let left):
            APIError(
                .refundExceedsRefundable, "The refund exceeds the refundable amount (\(left.text) \(left.currency.rawValue) left).",
                field: "amount")
        }
    }
}
