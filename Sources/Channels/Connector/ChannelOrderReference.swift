import PaygateCore

/// The order number a channel knows a payment or a refund by (`out_trade_no` / `orderId`, and the
/// refund's `out_request_no` / `out_refund_no` / `orderId`), within that channel's own limits:
///
/// | channel   | payment order number            | refund order number              |
/// |-----------|---------------------------------|----------------------------------|
/// | Alipay    | ≤ 64 of `[0-9A-Za-z_]`: the id  | ≤ 64 characters: the id          |
/// | WeChat Pay| 6–32 of `[0-9A-Za-z_-|*]`: hex  | 1–64 of `[0-9A-Za-z_-|*@]`: the id |
/// | UnionPay  | 8–32 letters and digits: hex    | 8–32 letters and digits: hex     |
///
/// "hex" is the id's 32 hex digits without its prefix. It is as unique as the id (the prefix only
/// names the kind, which the field already says) and maps back without a lookup, so callbacks,
/// answers and statement lines name our payment directly and find its shard by the slot the
/// digits carry (docs/API.md section 9).
public struct ChannelOrderReference: Sendable {
    enum Form: Sendable {
        /// The whole id, prefix included.
        case id
        /// The id's hex digits, prefix dropped.
        case hexDigits
    }

    let paymentForm: Form
    let refundForm: Form

    public init(_ channel: Channel) {
        switch channel {
        case .alipay: (paymentForm, refundForm) = (.id, .id)
        case .wechatpay: (paymentForm, refundForm) = (.hexDigits, .id)
        case .unionpay: (paymentForm, refundForm) = (.hexDigits, .hexDigits)
        }
    }

    public func payment(_ id: PaymentId) -> String { Self.write(id.text, prefix: PaymentId.prefix, form: paymentForm) }

    /// `refundId` is a refund id's text (`ref_…`).
    public func refund(_ refundId: String) -> String { Self.write(refundId, prefix: RefundId.prefix, form: refundForm) }

    /// The payment a channel's order number names, or nil when it is not one of ours. Both forms
    /// are read on every channel: an order prepaid by an earlier version carries the whole id.
    public func paymentId(_ reference: String) -> PaymentId? {
        PaymentId(reference) ?? Self.hexDigitsForm(reference).flatMap { PaymentId(PaymentId.prefix + $0) }
    }

    /// The refund id (`ref_…`) a channel's refund number names, or nil when it is not one of ours.
    public func refundId(_ reference: String) -> String? {
        if RefundId(reference) != nil { return reference }
        return Self.hexDigitsForm(reference).flatMap { RefundId(RefundId.prefix + $0)?.text }
    }

    private static func write(_ id: String, prefix: String, form: Form) -> String {
        switch form {
        case .id: id
        case .hexDigits: String(id.dropFirst(prefix.count))
        }
    }

    private static func hexDigitsForm(_ reference: String) -> String? {
        reference.utf8.count == hexDigits && Hex.isLowercase(reference.utf8) ? reference : nil
    }

    private static let hexDigits = 32
}
