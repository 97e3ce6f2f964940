import PaygateCore
import PaygateCrypto

/// WeChat Pay v3 callbacks: a JSON envelope whose `resource` is the transaction (or refund)
/// sealed with AEAD_AES_256_GCM under the APIv3 key, signed with the platform key in the
/// `Wechatpay-*` headers. WeChat Pay sends no callback for a failed payment: the merchant
/// learns it by query.
enum WeChatPayCallbacks {
    static let resourceNonceCharacterCount = 12
    static let headerNonceCharacterCount = 32

    static func paymentNotice(_ order: SandboxOrder, keys: SandboxChannelKeys) -> CallbackMessage? {
        guard order.status == .paid, let paid = order.paidAmount, let paidAt = order.paidAt else { return nil }
        var writer = JSONWriter(reservingCapacity: 512)
        writer.objectOpen()
        writer.member("mchid", keys.merchantAccountId)
        writer.member("appid", order.appId)
        writer.member("out_trade_no", order.outTradeNo)
        writer.member("transaction_id", order.channelTransactionId)
        writer.member("trade_type", "NATIVE")
        writer.member("trade_state", "SUCCESS")
        writer.member("trade_state_desc", "success")
        writer.member("bank_type", "OTHERS")
        writer.member("attach", "")
        writer.member("success_time", ChannelTime.rfc3339(paidAt))
        writer.key("payer")
        writer.objectOpen()
        writer.member("openid", "o-sandbox-payer")
        writer.objectClose()
        WeChatPaySide.writeAmount(&writer, total: paid, payer: paid)
        writer.objectClose()
        return CallbackMessage(
            channel: .wechatpay, url: order.notifyURL, kind: .payment, subject: order.outTradeNo,
            content: .weChatPay(
                notificationId: "EV-" + SandboxState.randomToken(), eventType: "TRANSACTION.SUCCESS",
                summary: "payment succeeded", originalType: "transaction", plaintext: writer.bytes))
    }

    /// REFUND.SUCCESS, or for a failed refund REFUND.ABNORMAL (no success_time).
    static func refundNotice(_ refund: SandboxRefund, _ order: SandboxOrder, keys: SandboxChannelKeys) -> CallbackMessage? {
        guard !refund.notifyURL.isEmpty else { return nil }
        let status = WeChatPaySide.refundStatus(refund)
        var writer = JSONWriter(reservingCapacity: 512)
        writer.objectOpen()
        writer.member("mchid", keys.merchantAccountId)
        writer.member("out_trade_no", order.outTradeNo)
        writer.member("transaction_id", order.channelTransactionId)
        writer.member("out_refund_no", refund.refundId)
        writer.member("refund_id", refund.channelRefundId)
        writer.member("refund_status", status)
        if refund.succeeded { writer.member("success_time", ChannelTime.rfc3339(refund.createdAt)) }
        writer.member("user_received_account", "sandbox balance")
        writer.key("amount")
        writer.objectOpen()
        writer.member("total", Int(order.amount.minorUnits))
        writer.member("refund", Int(refund.amount.minorUnits))
        writer.member("payer_total", Int((order.paidAmount ?? order.amount).minorUnits))
        writer.member("payer_refund", Int(refund.amount.minorUnits))
        writer.objectClose()
        writer.objectClose()
        return CallbackMessage(
            channel: .wechatpay, url: refund.notifyURL, kind: .refund, subject: refund.refundId,
            content: .weChatPay(
                notificationId: "EV-" + SandboxState.randomToken(), eventType: "REFUND." + status,
                summary: refund.succeeded ? "refund succeeded" : "refund abnormal",
                originalType: "refund", plaintext: writer.bytes))
    }

    /// One attempt: a fresh GCM nonce, a fresh signature timestamp and nonce.
    static func render(
        notificationId: String, eventType: String, summary: String, originalType: String, plaintext: [UInt8],
        url: String, keys: SandboxChannelKeys, apiV3Key: Secret, now: Timestamp
    ) -> RenderedCallback {
        let resourceNonce = random(resourceNonceCharacterCount)
        let sealed: [UInt8]
        do {
            sealed = try AESGCM.seal(
                key: apiV3Key, nonce: Array(resourceNonce.utf8), plaintext: plaintext, associatedData: Array(originalType.utf8))
        } catch {
            preconditionFailure("sealing a callback resource failed: \(error.code)")
        }
        var writer = JSONWriter(reservingCapacity: 1024)
        writer.objectOpen()
        writer.member("id", notificationId)
        writer.member("create_time", ChannelTime.rfc3339(now))
        writer.member("resource_type", "encrypt-resource")
        writer.member("event_type", eventType)
        writer.member("summary", summary)
        writer.key("resource")
        writer.objectOpen()
        writer.member("original_type", originalType)
        writer.member("algorithm", "AEAD_AES_256_GCM")
        writer.member("ciphertext", Base64.encode(sealed))
        writer.member("associated_data", originalType)
        writer.member("nonce", resourceNonce)
        writer.objectClose()
        writer.objectClose()
        let body = writer.bytes
        let timestamp = String(now.secondsSinceEpoch)
        let nonce = random(headerNonceCharacterCount)
        let signature = keys.sign(Array((timestamp + "\n" + nonce + "\n").utf8) + body + [0x0A])
        return RenderedCallback(
            url: url,
            headers: [
                ("Content-Type", "application/json"), ("Wechatpay-Timestamp", timestamp), ("Wechatpay-Nonce", nonce),
                ("Wechatpay-Signature", signature), ("Wechatpay-Serial", keys.channelKeyId),
                // As WeChat Pay sends them: its SDKs refuse a notification without the type.
                ("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"), ("Request-ID", nonce),
            ], body: body)
    }

    private static func random(_ count: Int) -> String {
        do {
            return try SecureRandom.alphanumeric(count)
        } catch {
            preconditionFailure("the system random source failed: \(error.code)")
        }
    }
}
