import PaygateCore

/// An order as the channel holds it, created by a merchant's prepay.
public struct SandboxOrder: Sendable, Equatable {
    public enum Status: String, Sendable {
        case awaitingPayment = "awaiting_payment"
        case paid, failed, closed
    }

    public let channel: Channel
    /// The merchant's order number: paygate's payment id (`out_trade_no`, UnionPay `orderId`).
    public let outTradeNo: String
    public let amount: Money
    public let subject: String
    /// The order stops taking payment after this (Alipay time_expire, WeChat Pay time_expire,
    /// UnionPay payTimeout); nil when the merchant sent none.
    public let expiresAt: Timestamp?
    public let notifyURL: String
    /// The secret last part of the pay URL.
    public let token: String
    public let createdAt: Timestamp
    /// UnionPay's txnTime from the prepay: with orderId it names the transaction. "" elsewhere.
    public let orderTime: String
    /// WeChat Pay `appid` from the prepay, echoed in answers and callbacks. "" elsewhere.
    public let appId: String
    /// Alipay trade_no, WeChat Pay transaction_id, UnionPay queryId.
    public let channelTransactionId: String
    public internal(set) var status: Status = .awaitingPayment
    /// What the payer paid: the order's amount unless the amount fault was on.
    public internal(set) var paidAmount: Money?
    public internal(set) var paidAt: Timestamp?
    public internal(set) var failureCode: String?
    public internal(set) var refundedAmount: Money

    init(
        channel: Channel, outTradeNo: String, amount: Money, subject: String, expiresAt: Timestamp?, notifyURL: String,
        token: String, createdAt: Timestamp, orderTime: String, appId: String, channelTransactionId: String
    ) {
        self.channel = channel; self.outTradeNo = outTradeNo; self.amount = amount; self.subject = subject
        self.expiresAt = expiresAt; self.notifyURL = notifyURL; self.token = token; self.createdAt = createdAt
        self.orderTime = orderTime; self.appId = appId; self.channelTransactionId = channelTransactionId
        self.refundedAmount = Money(minorUnits: 0, currency: amount.currency)
    }

    /// True when `other` is the same prepay sent again (a merchant retry), not a different
    /// order reusing the number.
    func isSamePrepay(as other: SandboxOrder) -> Bool {
        amount == other.amount && notifyURL == other.notifyURL && orderTime == other.orderTime
    }
}

/// A refund as the channel holds it. The sandbox settles refunds at once, to success or (with
/// the `refund_result` fault) failure: the channel's answer and callback say what that channel
/// says about a settled refund.
public struct SandboxRefund: Sendable, Equatable {
    public let channel: Channel
    /// The merchant's refund number (`out_request_no`, `out_refund_no`, UnionPay `orderId`).
    public let refundId: String
    public let outTradeNo: String
    public let amount: Money
    /// WeChat Pay refund_id, UnionPay queryId; Alipay names refunds by the trade's trade_no.
    public let channelRefundId: String
    public let createdAt: Timestamp
    /// UnionPay's txnTime of the refund request. "" elsewhere.
    public let orderTime: String
    public let notifyURL: String
    /// Nil when the refund succeeded; else the channel's own failure code (Alipay sub_code,
    /// WeChat Pay refund status, UnionPay respCode). A failed refund moved no money.
    public let failureCode: String?

    public var succeeded: Bool { failureCode == nil }
}

/// Orders and refunds are looked up by channel and the merchant's number.
struct RecordKey: Hashable, Sendable {
    let channel: Channel
    let number: String
}
