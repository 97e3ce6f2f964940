import PaygateCore

/// What a prepay needs to know about a payment.
public struct PrepayOrder: Sendable, Equatable {
    public var paymentId: PaymentId
    public var amount: Money
    public var subject: String
    public var expiresAt: Timestamp
    /// Where the channel posts its callback (paygate's /callbacks/<channel> URL).
    public var callbackURL: String
    public init(paymentId: PaymentId, amount: Money, subject: String, expiresAt: Timestamp, callbackURL: String) {
        self.paymentId = paymentId; self.amount = amount; self.subject = subject; self.expiresAt = expiresAt; self.callbackURL = callbackURL
    }
}

/// A payment as the channel knows it (its order number: `ChannelOrderReference`).
public struct ChannelPaymentReference: Sendable, Equatable {
    public var paymentId: PaymentId
    public var amount: Money
    /// The payment's expires_at. UnionPay has no close call for an unpaid order: it stops
    /// accepting payment at the payTimeout we sent (this time), so "closed" is true only after it.
    public var expiresAt: Timestamp
    public init(paymentId: PaymentId, amount: Money, expiresAt: Timestamp) {
        self.paymentId = paymentId; self.amount = amount; self.expiresAt = expiresAt
    }
}

public struct RefundOrder: Sendable, Equatable {
    public var refundId: String
    public var paymentId: PaymentId
    public var channelTransactionId: String?
    public var amount: Money
    /// The payment's whole amount (WeChat Pay and UnionPay want it with every refund).
    public var paymentAmount: Money
    public var reason: String?
    public var callbackURL: String
    /// When the refund was created (stored with it). UnionPay names a transaction by orderId
    /// plus txnTime, so a retried refund and every later query must send this same time.
    public var createdAt: Timestamp
    public init(
        refundId: String, paymentId: PaymentId, channelTransactionId: String?, amount: Money, paymentAmount: Money, reason: String?,
        callbackURL: String, createdAt: Timestamp
    ) {
        self.refundId = refundId; self.paymentId = paymentId; self.channelTransactionId = channelTransactionId
        self.amount = amount; self.paymentAmount = paymentAmount; self.reason = reason; self.callbackURL = callbackURL
        self.createdAt = createdAt
    }
}

public struct ChannelRefundReference: Sendable, Equatable {
    public var refundId: String
    public var paymentId: PaymentId
    /// The refund's amount: the channels repeat it in their refund-query answers, and an answer
    /// with another amount is about another refund (`AnsweredRefund`).
    public var amount: Money
    /// The refund's creation time, as in `RefundOrder.createdAt`.
    public var createdAt: Timestamp
    public init(refundId: String, paymentId: PaymentId, amount: Money, createdAt: Timestamp) {
        self.refundId = refundId; self.paymentId = paymentId; self.amount = amount; self.createdAt = createdAt
    }
}

public enum PrepayResult: Sendable, Equatable {
    /// The channel took the order: `payload` is what the merchant hands the payer (its
    /// `channel_payload`: the pay URL and the channel's own QR content or form).
    case accepted(ChannelPayload)
    /// A definite no (bad account, order refused): the payment becomes `failed`.
    case rejected(failureCode: String)
    /// No definite answer (5xx, unreadable, bad signature on the answer): retry later.
    case unknown(reason: String)
}

public enum QueryResult: Sendable, Equatable {
    case paid(ChannelPayment)
    case notPaid
    case closed
    case failed(failureCode: String)
    case notFound
    case unknown(reason: String)
}

/// A payment the channel says it took, with the amount it says it took.
public struct ChannelPayment: Sendable, Equatable {
    public var paymentId: PaymentId
    public var channelTransactionId: String
    public var amount: Money
    public var paidAt: Timestamp
    public init(paymentId: PaymentId, channelTransactionId: String, amount: Money, paidAt: Timestamp) {
        self.paymentId = paymentId; self.channelTransactionId = channelTransactionId; self.amount = amount; self.paidAt = paidAt
    }
}

/// Which order a channel's answer is about. Every channel repeats the order number in its query
/// answer (and Alipay in its close answer); one that names a different order than the one asked
/// about answers another question, whatever its signature says, and must not move our payment.
/// An answer that names no order (a "no such order" error) is read as it stands.
enum AnsweredOrder {
    /// Nil when the answer may be read for `paymentId`; otherwise why not.
    static func mismatch(named: String?, asked paymentId: PaymentId, as reference: ChannelOrderReference) -> String? {
        guard let named, reference.paymentId(named) != paymentId else { return nil }
        return "the answer is about order \(named), not \(paymentId.text)"
    }
}

/// Which refund a channel's refund or refund-query answer is about. The channels repeat what
/// the request named: the refund's number, the order it refunds, its amount (and UnionPay its
/// txnTime). A signed answer that names another value answers another request (a channel that
/// mixed up two), so it is `.unknown`: the refund stays pending and is asked about again, and
/// nothing the answer says is applied to ours. A value the answer does not carry is not checked,
/// as for `AnsweredOrder`: an error answer names nothing.
struct AnsweredRefund {
    var refundId: String
    var paymentId: PaymentId
    var amount: Money
    /// How the request named them on this channel.
    var reference: ChannelOrderReference

    init(_ refund: RefundOrder, as reference: ChannelOrderReference) {
        refundId = refund.refundId; paymentId = refund.paymentId; amount = refund.amount; self.reference = reference
    }

    init(_ refund: ChannelRefundReference, as reference: ChannelOrderReference) {
        refundId = refund.refundId; paymentId = refund.paymentId; amount = refund.amount; self.reference = reference
    }

    /// Nil when every value the answer names is the one asked; otherwise the first that is not.
    /// A number is the one asked when it is what the request sent or the same id in the channel's
    /// other form (the whole id, as an earlier version sent it; `ChannelOrderReference`). An amount the answer names but
    /// that does not read (`parse` gives nil) is a mismatch too.
    func mismatch(refundNamed: String?, orderNamed: String?, amountNamed: String?, parse: (String) -> Money?) -> String? {
        let sentRefund = reference.refund(refundId)
        if let refundNamed, refundNamed != sentRefund, refundNamed != refundId, reference.refundId(refundNamed) != refundId {
            return "the answer is about refund \(refundNamed), not \(sentRefund)"
        }
        let sentOrder = reference.payment(paymentId)
        if let orderNamed, orderNamed != sentOrder, reference.paymentId(orderNamed) != paymentId {
            return "the answer is about order \(orderNamed), not \(sentOrder)"
        }
        if let amountNamed, parse(amountNamed) != amount {
            return "the answer names the amount \(amountNamed), not this refund's \(amount.minorUnits) minor units"
        }
        return nil
    }
}

public enum CloseResult: Sendable, Equatable {
    case closed
    /// The channel says the order is already paid: it cannot be closed (and must not be lost).
    case alreadyPaid
    case unknown(reason: String)
}

public enum RefundResult: Sendable, Equatable {
    case succeeded(channelRefundId: String)
    case processing
    case failed(failureCode: String)
    case unknown(reason: String)
}

/// A verified callback, in domain terms.
public enum ChannelNotification: Sendable, Equatable {
    case paymentSucceeded(ChannelPayment)
    case paymentFailed(paymentId: PaymentId, failureCode: String)
    case paymentClosed(paymentId: PaymentId)
    case refundSucceeded(refundId: String, channelRefundId: String, amount: Money)
    case refundFailed(refundId: String, failureCode: String)
    /// A genuine callback that changes nothing here: Alipay's WAIT_BUYER_PAY, or its notice of a
    /// refund its refund API already confirmed. Acknowledged, nothing written.
    case noEffect(reason: String)
}

public enum CallbackVerification: Sendable, Equatable {
    case verified(ChannelNotification)
    /// Refused with the channel's failure form; `reason` is for our log (no secrets).
    case rejected(reason: String)
}
