import PaygateCore
import PaygateCrypto

/// UnionPay's back notifications (to the order's backUrl): form posts signed like its answers.
enum UnionPayCallbacks {
    static func paymentNotice(_ order: SandboxOrder, keys: SandboxChannelKeys) -> CallbackMessage? {
        guard !order.notifyURL.isEmpty else { return nil }
        var fields = common(keys) + [("txnType", "01"), ("txnSubType", "07"), ("orderId", order.outTradeNo), ("txnTime", order.orderTime)]
        if let paid = order.paidAmount, let paidAt = order.paidAt {
            fields +=
                [
                    ("respCode", UnionPaySide.Code.success), ("respMsg", "Success!"), ("queryId", order.channelTransactionId),
                    ("txnAmt", String(paid.minorUnits)), ("currencyCode", "156"), ("settleAmt", String(paid.minorUnits)),
                    ("settleCurrencyCode", "156"),
                ] + UnionPaySide.trace(paidAt).map { (name: $0.0, value: $0.1) }
        } else {
            fields += [
                ("respCode", UnionPaySide.Code.failed), ("respMsg", "payment failed"), ("txnAmt", String(order.amount.minorUnits)),
                ("currencyCode", "156"),
            ]
        }
        return CallbackMessage(channel: .unionpay, url: order.notifyURL, kind: .payment, subject: order.outTradeNo, content: .form(fields))
    }

    /// respCode 00 for a refund that succeeded, its failure code (01) for one that failed.
    static func refundNotice(_ refund: SandboxRefund, _ order: SandboxOrder, keys: SandboxChannelKeys) -> CallbackMessage? {
        guard !refund.notifyURL.isEmpty else { return nil }
        let fields =
            common(keys) + [
                ("txnType", "04"), ("txnSubType", "00"), ("orderId", refund.refundId), ("txnTime", refund.orderTime),
                ("respCode", refund.failureCode ?? UnionPaySide.Code.success), ("respMsg", refund.succeeded ? "Success!" : "refund failed"),
                ("queryId", refund.channelRefundId),
                ("txnAmt", String(refund.amount.minorUnits)), ("currencyCode", "156"), ("origQryId", order.channelTransactionId),
            ] + UnionPaySide.trace(refund.createdAt).map { (name: $0.0, value: $0.1) }
        return CallbackMessage(channel: .unionpay, url: refund.notifyURL, kind: .refund, subject: refund.refundId, content: .form(fields))
    }

    private static func common(_ keys: SandboxChannelKeys) -> [(name: String, value: String)] {
        [
            ("version", "5.1.0"), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"), ("merId", keys.merchantAccountId),
            ("bizType", "000000"),
        ]
    }

    static func render(_ fields: [(name: String, value: String)], url: String, keys: SandboxChannelKeys) -> RenderedCallback {
        let form = signed(WireForm(fields), keys: keys)
        return RenderedCallback(
            url: url, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")], body: Array(form.urlEncoded.utf8))
    }

    /// UnionPay 5.1 signs the lower-case hex SHA-256 of the sorted text, not the text itself.
    static func signedMessage(_ form: WireForm) -> [UInt8] {
        Array(SHA256Digest.hexHash(Array(form.signingText(excluding: ["signature"]).utf8)).utf8)
    }

    /// `form` with UnionPay's certId and signature appended.
    static func signed(_ form: WireForm, keys: SandboxChannelKeys) -> WireForm {
        var signed = WireForm(form.pairs.filter { $0.name != "certId" && $0.name != "signature" })
        signed.append("certId", keys.channelKeyId)
        signed.append("signature", keys.sign(signedMessage(signed)))
        return signed
    }
}
