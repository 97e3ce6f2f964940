import HTTPClient
import PaygateCore

/// One line of a channel statement, in domain terms. References are raw strings: a line the
/// channel has and we never had may carry anything.
public struct StatementRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case payment, refund }
    /// Alipay and UnionPay list only settled transactions, so their lines are all `succeeded`;
    /// WeChat Pay lists refunds with their 退款状态 (PROCESSING, FAILED…).
    public enum Status: String, Sendable { case succeeded, processing, failed }

    public var kind: Kind
    /// out_trade_no / 商户订单号 / orderId (our order number); a refund's is its payment's.
    public var orderReference: String
    /// out_request_no / 商户退款单号 / the refund's orderId; nil on payments.
    public var refundReference: String?
    /// trade_no / 微信订单号 / queryId (a refund's: its payment's).
    public var channelTransactionId: String
    /// 微信退款单号 / the refund's queryId; nil on payments and on Alipay (which names refunds by trade_no).
    public var channelRefundId: String?
    /// Payment: the amount paid. Refund: the amount refunded (positive).
    public var amount: Money
    /// The channel's service fee on this line; on a refund, the fee it returned (≥ 0).
    public var fee: Money
    public var status: Status
    /// Completion time (the channels write China time, UTC+8).
    public var occurredAt: Timestamp

    public init(
        kind: Kind, orderReference: String, refundReference: String?, channelTransactionId: String, channelRefundId: String?,
        amount: Money, fee: Money, status: Status, occurredAt: Timestamp
    ) {
        self.kind = kind; self.orderReference = orderReference; self.refundReference = refundReference
        self.channelTransactionId = channelTransactionId; self.channelRefundId = channelRefundId
        self.amount = amount; self.fee = fee; self.status = status; self.occurredAt = occurredAt
    }
}

/// What the records read so far add up to. `fees` is the fees on payments less the fees returned
/// on refunds, as the channels' own summaries count them.
public struct StatementTotals: Sendable, Equatable {
    public var lines: Int
    public var paid: Money
    public var refunded: Money
    public var fees: Money

    public init(lines: Int, paid: Money, refunded: Money, fees: Money) {
        self.lines = lines; self.paid = paid; self.refunded = refunded; self.fees = fees
    }

    public static let zero = StatementTotals(
        lines: 0, paid: Money(minorUnits: 0, currency: .cny), refunded: Money(minorUnits: 0, currency: .cny),
        fees: Money(minorUnits: 0, currency: .cny))

    mutating func add(_ record: StatementRecord) {
        lines += 1
        switch record.kind {
        case .payment:
            paid = paid + record.amount
            fees = fees + record.fee
        case .refund:
            refunded = refunded + record.amount
            fees = fees - record.fee
        }
    }
}

/// Streams a downloaded statement file from disk, one record at a time, with memory flat in the
/// file's size. `next()` is nil at the end, after the file's own summary or footer (and digest,
/// when one was given) was checked against the rows read; a mismatch throws `.badStatement`, and
/// then every record already read belongs to a bad file. A class, not a `~Copyable` struct: it
/// owns open files and zlib state, and `any StatementReader` is easy to hand around.
public protocol StatementReader: AnyObject {
    func next() throws(ChannelError) -> StatementRecord?
    /// The records returned so far, added up.
    var totals: StatementTotals { get }
}

/// What the first answer to a statement request says.
public enum StatementDownload: Sendable {
    /// Fetch the file with this request (write it to disk as it arrives); `sha1Hex` is the digest
    /// the channel published for it, to pass to `openStatement`.
    case fetch(OutboundRequest, sha1Hex: String?)
    /// The file came in the answer itself (UnionPay): write these bytes to disk and open them.
    case inline([UInt8])
    /// The channel has no statement for that day.
    case none
}
