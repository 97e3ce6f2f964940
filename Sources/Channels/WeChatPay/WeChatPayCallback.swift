import PaygateCore
import PaygateCrypto

/// Verifies a WeChat Pay v3 callback in the order the channel documents: signature headers
/// and clock window first, then the body's `resource` is decrypted (AEAD_AES_256_GCM with the
/// APIv3 key), and only the decrypted content is trusted for amounts and ids.
enum WeChatPayCallback {
    /// A callback signed further than this from our clock is refused, so a captured callback
    /// cannot be replayed later (the signed text includes the timestamp).
    static let clockSkewSecondsMax: Int64 = 300
    /// Callbacks are a few kilobytes; anything far larger is not from WeChat Pay.
    static let bodyBytesMax = 64 * 1024
    static let algorithm = "AEAD_AES_256_GCM"

    static func verify(_ request: HTTPRequest, account: WeChatPayAccount, now: Timestamp) -> CallbackVerification {
        guard request.body.count <= bodyBytesMax else { return .rejected(reason: "callback body too large") }
        guard let timestamp = request.headers["wechatpay-timestamp"], let nonce = request.headers["wechatpay-nonce"],
            let signatureText = request.headers["wechatpay-signature"], let serial = request.headers["wechatpay-serial"]
        else {
            return .rejected(reason: "signature headers missing")
        }
        guard WeChatPaySignedText.hasSignatureType({ request.headers[$0] }) else {
            return .rejected(reason: "Wechatpay-Signature-Type is not \(WeChatPaySignedText.signatureType)")
        }
        guard timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let seconds = Int64(timestamp),
            abs(seconds - now.secondsSinceEpoch) <= clockSkewSecondsMax
        else {
            return .rejected(reason: "timestamp outside \(clockSkewSecondsMax) s of our clock")
        }
        guard let signature = Base64.decode(signatureText),
            account.platformKeys.verify(
                signature: signature, message: WeChatPaySignedText.message(timestamp, nonce, request.body),
                keyId: serial, now: now)
        else {
            return .rejected(reason: "signature does not verify")
        }
        guard let envelope = JSONValue.parsing(request.body), let eventType = envelope.string("event_type"),
            let resource = envelope["resource"]
        else { return .rejected(reason: "callback body unreadable") }
        let content: JSONValue
        switch decrypt(resource, key: account.apiV3Key) {
        case .failure(let failure): return .rejected(reason: failure.reason)
        case .success(let value): content = value
        }
        guard content.string("mchid") == account.merchantId else { return .rejected(reason: "mchid is not this account's") }
        return notification(eventType: eventType, content)
    }

    /// The decrypted resource as JSON. Any altered byte of ciphertext, tag, nonce or associated
    /// data fails GCM's tag check.
    static func decrypt(_ resource: JSONValue, key: Secret) -> Result<JSONValue, AnswerFailure> {
        guard resource.string("algorithm") == algorithm else { return .failure(AnswerFailure("resource algorithm is not \(algorithm)")) }
        guard let ciphertext = resource.string("ciphertext").flatMap(Base64.decode), let nonce = resource.string("nonce") else {
            return .failure(AnswerFailure("resource ciphertext or nonce unreadable"))
        }
        let associatedData = resource.string("associated_data") ?? ""
        let plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(
                key: key, nonce: Array(nonce.utf8), ciphertextAndTag: ciphertext, associatedData: Array(associatedData.utf8))
        } catch {
            return .failure(AnswerFailure("resource does not decrypt: \(error.code)"))
        }
        guard let content = JSONValue.parsing(plaintext) else { return .failure(AnswerFailure("decrypted resource is not a JSON object")) }
        return .success(content)
    }

    static func notification(eventType: String, _ content: JSONValue) -> CallbackVerification {
        switch eventType {
        case "TRANSACTION.SUCCESS":
            guard content.string("trade_state") == "SUCCESS", let payment = WeChatPayTransformers.payment(content) else {
                return .rejected(reason: "TRANSACTION.SUCCESS with unreadable transaction")
            }
            return .verified(.paymentSucceeded(payment))
        case "REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED":
            return refundNotification(eventType: eventType, content)
        default:
            return .rejected(reason: "unknown event_type")
        }
    }

    /// The sealed resource's `refund_status` must say what the (unsealed) event type says: a
    /// notice whose two halves disagree is not trusted either way.
    static func refundNotification(eventType: String, _ content: JSONValue) -> CallbackVerification {
        let status = String(eventType.dropFirst("REFUND.".count))
        guard content.string("refund_status") == status else {
            return .rejected(reason: "\(eventType) with refund_status \(content.string("refund_status") ?? "-")")
        }
        switch status {
        case "SUCCESS":
            guard let refundId = content.string("out_refund_no"), let channelRefundId = content.string("refund_id"),
                !channelRefundId.isEmpty,
                let amount = content["amount"]?.numberText("refund").flatMap(ChannelAmount.parseFen)
            else {
                return .rejected(reason: "REFUND.SUCCESS with unreadable refund")
            }
            return .verified(
                .refundSucceeded(
                    refundId: WeChatPayTransformers.reference.refundId(refundId) ?? refundId, channelRefundId: channelRefundId,
                    amount: amount))
        default:
            // ABNORMAL (the money could not reach the payer) and CLOSED both end the refund failed.
            guard let refundId = content.string("out_refund_no"), !refundId.isEmpty else {
                return .rejected(reason: "\(eventType) without out_refund_no")
            }
            return .verified(.refundFailed(refundId: WeChatPayTransformers.reference.refundId(refundId) ?? refundId, failureCode: status))
        }
    }
}
