/// The refund lifecycle as a pure reducer, like `PaymentLifecycle`: given a refund and its
/// payment as stored and one thing the channel said, `decide` returns what to write. It reads no
/// clock and does no I/O; the payment's status change is checked by `PaymentStateMachine`.
///
///     channel said               refund processing                       succeeded        failed
///     accepted (in progress)     channel_state -> accepted               -                -
///     succeeded (right amount)   -> succeeded; payment refunded_amount   duplicate: -     anomaly, -
///                                += amount, status -> partially_refunded
///                                | refunded; posting; refund.succeeded
///     succeeded (wrong amount)   anomaly, -                              anomaly, -       anomaly, -
///     failed                     -> failed; refund.failed                anomaly, -       duplicate: -
///
/// A late payment's refund (`RefundOrigin.latePayment`: money taken for an order already closed or
/// failed) follows the same table, except that its success leaves the payment as it is and posts
/// the late payment's return instead of a reversal.
///
/// The refundable balance is `payment.amount - sum(non-failed refunds)`, reserved when the refund
/// is created (under the payment's row lock), so a failed refund gives its amount back simply by
/// becoming `failed`. The payment itself changes only when the channel confirms.
/// A channel that reports a different final result for a refund already final here is never
/// obeyed silently: it is an anomaly for an operator, and nothing moves.
public enum RefundLifecycle {
    public static func decide(_ refund: RefundSnapshot, payment: RefundPaymentSnapshot, _ event: RefundEvent) -> RefundDecision {
        switch (event, refund.status) {
        case (.channelAccepted, .processing):
            if refund.channelState == .accepted { return .nothing("refund already accepted by the channel") }
            return RefundDecision(channelState: .accepted, reason: "refund accepted by the channel")
        case (.channelAccepted, _):
            return .nothing("refund already final")
        case (.channelSucceeded(_, let amount), _) where amount != nil && amount != refund.amount:
            return RefundDecision(anomaly: .amountMismatch, reason: "channel reported another refund amount")
        case (.channelSucceeded(let channelRefundId, _), .processing):
            return succeeded(refund, payment: payment, channelRefundId: channelRefundId)
        case (.channelSucceeded, .succeeded):
            return .nothing("refund success already recorded")
        case (.channelSucceeded, .failed):
            return RefundDecision(anomaly: .succeededAfterFailure, reason: "channel reported success for a refund recorded failed")
        case (.channelFailed(let code), .processing):
            return RefundDecision(
                refundStatus: .failed, failureCode: code, merchantEvent: .refundFailed,
                reason: "refund failed at the channel")
        case (.channelFailed, .failed):
            return .nothing("refund failure already recorded")
        case (.channelFailed, .succeeded):
            return RefundDecision(anomaly: .failedAfterSuccess, reason: "channel reported failure for a refund recorded succeeded")
        }
    }

    private static func succeeded(_ refund: RefundSnapshot, payment: RefundPaymentSnapshot, channelRefundId: String?) -> RefundDecision {
        if refund.origin == .latePayment {
            // The payment never had the money (it was closed or failed): it does not change, and
            // the payer's money leaves `late_payments_due`.
            return RefundDecision(
                refundStatus: .succeeded, channelRefundId: channelRefundId, posting: .latePaymentReturned,
                merchantEvent: .refundSucceeded, reason: "late payment refunded at the channel")
        }
        let refunded = payment.refundedAmount + refund.amount
        // Reserved at creation under the row lock, so this cannot exceed the amount; a row that
        // says otherwise is corrupt and must not be made worse.
        guard refunded <= payment.amount, payment.status == .succeeded || payment.status == .partiallyRefunded else {
            return RefundDecision(anomaly: .exceedsPayment, reason: "refund success would exceed the payment or it is not refundable")
        }
        let target: PaymentStatus = refunded == payment.amount ? .refunded : .partiallyRefunded
        do {
            let decision = try PaymentStateMachine.decide(from: payment.status, to: target)
            precondition(decision == .apply, "a refund step that changes nothing")
        } catch {
            preconditionFailure("refund asked for an illegal step \(error.source.rawValue) -> \(error.target.rawValue)")
        }
        return RefundDecision(
            refundStatus: .succeeded, channelRefundId: channelRefundId,
            paymentWrite: RefundPaymentWrite(source: payment.status, target: target, refundedAmount: refunded),
            posting: .reversal, merchantEvent: .refundSucceeded, reason: "refund succeeded at the channel")
    }
}

public struct RefundSnapshot: Sendable, Equatable {
    public var status: RefundStatus
    public var channelState: Refund.ChannelState
    public var amount: Money
    public var origin: RefundOrigin
    public init(status: RefundStatus, channelState: Refund.ChannelState, amount: Money, origin: RefundOrigin = .merchant) {
        self.status = status; self.channelState = channelState; self.amount = amount; self.origin = origin
    }
}

public struct RefundPaymentSnapshot: Sendable, Equatable {
    public var status: PaymentStatus
    public var amount: Money
    public var refundedAmount: Money
    public init(status: PaymentStatus, amount: Money, refundedAmount: Money) {
        self.status = status; self.amount = amount; self.refundedAmount = refundedAmount
    }
}

/// What a channel said about a refund (its answer to the refund or its query, or a callback).
public enum RefundEvent: Sendable, Equatable {
    /// Taken, result later (WeChat Pay PROCESSING, UnionPay accepted).
    case channelAccepted
    /// `amount` is nil when the channel's answer does not repeat it.
    case channelSucceeded(channelRefundId: String?, amount: Money?)
    case channelFailed(failureCode: String)
}

public struct RefundPaymentWrite: Sendable, Equatable {
    public var source: PaymentStatus
    public var target: PaymentStatus
    public var refundedAmount: Money
}

public struct RefundDecision: Sendable, Equatable {
    public var refundStatus: RefundStatus?
    public var channelState: Refund.ChannelState?
    public var channelRefundId: String?
    public var failureCode: String?
    public var paymentWrite: RefundPaymentWrite?
    /// What the success posts to the journal (with the status change, never alone).
    public var posting: RefundPosting?
    public var merchantEvent: MerchantEventType?
    /// The channel contradicts what is stored: a row for review (`payment_anomalies`).
    public var anomaly: RefundAnomalyKind?
    public var reason: String

    public init(
        refundStatus: RefundStatus? = nil, channelState: Refund.ChannelState? = nil, channelRefundId: String? = nil,
        failureCode: String? = nil, paymentWrite: RefundPaymentWrite? = nil, posting: RefundPosting? = nil,
        merchantEvent: MerchantEventType? = nil, anomaly: RefundAnomalyKind? = nil, reason: String
    ) {
        self.refundStatus = refundStatus; self.channelState = channelState; self.channelRefundId = channelRefundId
        self.failureCode = failureCode; self.paymentWrite = paymentWrite; self.posting = posting
        self.merchantEvent = merchantEvent; self.anomaly = anomaly; self.reason = reason
    }

    public static func nothing(_ reason: String) -> RefundDecision { RefundDecision(reason: reason) }

    /// True when the decision writes anything at all.
    public var writes: Bool { refundStatus != nil || channelState != nil || anomaly != nil }
}

/// What a channel said about a refund that contradicts what is stored. The raw value is the text
/// stored in `payment_anomalies.kind` (beside `PaymentAnomalyKind`'s); cases are only appended.
public enum RefundAnomalyKind: String, Sendable, Equatable, CaseIterable {
    /// The channel reports a success for another amount than the refund's: refused, never applied.
    case amountMismatch = "refund_amount_mismatch"
    case succeededAfterFailure = "refund_succeeded_after_failure"
    case failedAfterSuccess = "refund_failed_after_success"
    /// A success that would take the payment's refunds past its amount (a corrupt row).
    case exceedsPayment = "refund_exceeds_payment"

    /// Whether the channel's callback is answered in its failure form: a wrong amount is
    /// refused like a wrong payment amount, so the channel (and its operator) sees it.
    public var refusesCallback: Bool { self == .amountMismatch }
}

/// The journal entry a refund's success posts (`LedgerRules`).
public enum RefundPosting: Sendable, Equatable {
    /// A merchant's refund: the reversal of the payment's posting.
    case reversal
    /// A late payment's refund: what was owed to the payer goes back.
    case latePaymentReturned
}

extension RefundLifecycle {
    /// Decides on a stored refund and its stored payment.
    public static func decide(_ refund: Refund, of payment: Payment, _ event: RefundEvent) -> RefundDecision {
        decide(
            RefundSnapshot(status: refund.status, channelState: refund.channelState, amount: refund.amount, origin: refund.origin),
            payment: RefundPaymentSnapshot(status: payment.status, amount: payment.amount, refundedAmount: payment.refundedAmount),
            event)
    }
}
