/// A refund's status (docs/API.md section 6). The raw value is the wire and database text.
public enum RefundStatus: String, Sendable, CaseIterable {
    case processing, succeeded, failed

    public var isFinal: Bool { self != .processing }
}

/// Refund ids have the payment id's shape with their own prefix: `ref_` + 12 hex digits of
/// milliseconds + 4 hex digits of the payment's slot + 16 random hex digits. Carrying the slot
/// lets a channel callback that names only the refund find its shard, and keeps a refund on the
/// same shard as its payment (one local transaction for both).
public struct RefundId: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "ref_"
    public static let length = 36

    public let text: String

    public init(millisecondsSinceEpoch: Int64, slot: Int, random: UInt64) {
        precondition(slot >= 0 && slot < SlotRouter.slotCountMax)
        text = RefundId.prefix + hex(UInt64(millisecondsSinceEpoch), digits: 12) + hex(UInt64(slot), digits: 4) + hex(random, digits: 16)
    }

    /// Accepts only the exact shape; anything else is not one of ours.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == RefundId.length, text.hasPrefix(RefundId.prefix) else { return nil }
        for byte in bytes.dropFirst(4) {
            guard (48...57).contains(byte) || (97...102).contains(byte) else { return nil }
        }
        self.text = text
    }

    public var slot: Int {
        Array(text.utf8)[16..<20].reduce(0) { $0 * 16 + ($1 <= 57 ? Int($1) - 48 : Int($1) - 87) }
    }

    public var description: String { text }
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

    public enum ChannelState: String, Sendable { case pending, accepted }

    public init(
        id: RefundId, paymentId: PaymentId, merchantId: String, merchantRefundNo: String, amount: Money, channel: Channel,
        status: RefundStatus, channelState: ChannelState, reason: String?, channelRefundId: String?, failureCode: String?,
        version: Int, createdAt: Timestamp, succeededAt: Timestamp?
    ) {
        self.id = id; self.paymentId = paymentId; self.merchantId = merchantId; self.merchantRefundNo = merchantRefundNo
        self.amount = amount; self.channel = channel; self.status = status; self.channelState = channelState
        self.reason = reason; self.channelRefundId = channelRefundId; self.failureCode = failureCode
        self.version = version; self.createdAt = createdAt; self.succeededAt = succeededAt
    }

    /// The refund object of docs/API.md section 6, `reason` and `failure_code` included (merchants
    /// need them to act on a failed refund).
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
