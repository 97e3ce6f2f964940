import PaygateCore
import PaygateCrypto

/// Alipay's asynchronous notices (`notify_type=trade_status_sync`): a signed form post to the
/// order's notify_url. The signature leaves out both `sign` and `sign_type`.
enum AlipayCallbacks {
    /// The payer's result. A failed payment closes the trade (Alipay has no "failed" trade),
    /// so it is announced as TRADE_CLOSED.
    static func paymentNotice(_ order: SandboxOrder, keys: SandboxChannelKeys) -> CallbackMessage? {
        guard !order.notifyURL.isEmpty else { return nil }
        var fields = common(order, keys: keys)
        fields.append(("trade_status", AlipaySide.tradeStatus(order)))
        fields.append(("total_amount", (order.paidAmount ?? order.amount).text))
        if let paid = order.paidAmount, let paidAt = order.paidAt {
            fields += [("receipt_amount", paid.text), ("buyer_pay_amount", paid.text), ("gmt_payment", ChannelTime.dateTime(paidAt))]
        }
        fields.append(("subject", order.subject))
        return CallbackMessage(channel: .alipay, url: order.notifyURL, kind: .payment, subject: order.outTradeNo, content: .form(fields))
    }

    /// Alipay announces each refund too: `refund_fee` is the trade's cumulative refund, and a
    /// full refund closes the trade.
    static func refundNotice(_ refund: SandboxRefund, _ order: SandboxOrder, keys: SandboxChannelKeys) -> CallbackMessage? {
        guard !order.notifyURL.isEmpty, let paid = order.paidAmount, let paidAt = order.paidAt else { return nil }
        var fields = common(order, keys: keys)
        fields += [
            ("trade_status", order.refundedAmount == paid ? "TRADE_CLOSED" : "TRADE_SUCCESS"), ("total_amount", paid.text),
            ("gmt_payment", ChannelTime.dateTime(paidAt)), ("subject", order.subject), ("refund_fee", order.refundedAmount.text),
            ("out_biz_no", refund.refundId), ("gmt_refund", ChannelTime.dateTime(refund.createdAt) + ".000"),
        ]
        return CallbackMessage(channel: .alipay, url: order.notifyURL, kind: .refund, subject: refund.refundId, content: .form(fields))
    }

    private static func common(_ order: SandboxOrder, keys: SandboxChannelKeys) -> [(name: String, value: String)] {
        [
            ("notify_type", "trade_status_sync"), ("notify_id", SandboxState.randomToken()), ("app_id", keys.merchantAccountId),
            ("charset", "utf-8"), ("version", "1.0"), ("trade_no", order.channelTransactionId), ("out_trade_no", order.outTradeNo),
            ("gmt_create", ChannelTime.dateTime(order.createdAt)),
        ]
    }

    /// The form of one attempt: `notify_time` is the attempt's time, then the signature.
    static func render(_ fields: [(name: String, value: String)], url: String, keys: SandboxChannelKeys, now: Timestamp) -> RenderedCallback
    {
        var form = WireForm([("notify_time", ChannelTime.dateTime(now))] + fields)
        let signature = keys.sign(Array(form.signingText(excluding: ["sign", "sign_type"]).utf8))
        form.append("sign_type", "RSA2")
        form.append("sign", signature)
        return RenderedCallback(
            url: url, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(form.urlEncoded.utf8))
    }
}
