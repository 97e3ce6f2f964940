import HTTPClient
import PaygateCore
import PaygateCrypto

/// Alipay (open platform, RSA2). Every call is a form-encoded POST of the common parameters to
/// one gateway URL; the business fields travel as JSON in `biz_content`. Answers are JSON whose
/// `<method>_response` object is signed as raw text; callbacks are signed form posts.
///
/// Prepay uses `alipay.trade.precreate`, which answers with a `qr_code` URL (used as `pay_url`),
/// so the whole exchange is server to server like the other channels.
public struct AlipayConnector: ChannelConnector {
    public enum Method {
        public static let precreate = "alipay.trade.precreate"
        public static let query = "alipay.trade.query"
        public static let close = "alipay.trade.close"
        public static let refund = "alipay.trade.refund"
        public static let refundQuery = "alipay.trade.fastpay.refund.query"
        public static let statement = "alipay.data.dataservice.bill.downloadurl.query"
    }

    /// Callbacks are a few hundred bytes; anything far larger is not from Alipay.
    public static let callbackBodyBytesMax = 16 * 1024

    public let account: AlipayAccount
    /// Tells which retired keys are still accepted when an answer arrives (answers carry no time).
    let clock: @Sendable () -> Timestamp
    public var channel: Channel { .alipay }

    /// `clock` is the wall clock unless a test fixes it.
    public init(account: AlipayAccount, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.account = account
        self.clock = clock
    }

    public func prepayRequest(_ order: PrepayOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(Method.precreate, AlipayTransformers.precreateContent(order), notifyURL: order.callbackURL, now: now)
    }

    public func prepayResult(_ response: ChannelResponse, for order: PrepayOrder) -> PrepayResult {
        switch verifiedAnswer(response, Method.precreate) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredOrder.mismatch(
                named: answer.string("out_trade_no"), asked: order.paymentId, as: AlipayTransformers.reference)
            {
                return .unknown(reason: mismatch)
            }
            return AlipayTransformers.prepayResult(answer)
        }
    }

    public func queryRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(Method.query, AlipayTransformers.tradeContent(payment.paymentId), notifyURL: nil, now: now)
    }

    public func queryResult(_ response: ChannelResponse, for paymentId: PaymentId) -> QueryResult {
        switch verifiedAnswer(response, Method.query) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredOrder.mismatch(
                named: answer.string("out_trade_no"), asked: paymentId, as: AlipayTransformers.reference)
            {
                return .unknown(reason: mismatch)
            }
            return AlipayTransformers.queryResult(answer)
        }
    }

    public func closeRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(Method.close, AlipayTransformers.tradeContent(payment.paymentId), notifyURL: nil, now: now)
    }

    public func closeResult(_ response: ChannelResponse, for paymentId: PaymentId) -> CloseResult {
        switch verifiedAnswer(response, Method.close) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredOrder.mismatch(
                named: answer.string("out_trade_no"), asked: paymentId, as: AlipayTransformers.reference)
            {
                return .unknown(reason: mismatch)
            }
            return AlipayTransformers.closeResult(answer)
        }
    }

    public func refundRequest(_ refund: RefundOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(Method.refund, AlipayTransformers.refundContent(refund), notifyURL: nil, now: now)
    }

    /// Alipay's refund answer names the trade (`out_trade_no`) but not the refund; its
    /// `refund_fee` is the trade's whole refunded amount, so one below this refund's amount
    /// cannot be the answer that this refund was made.
    public func refundResult(_ response: ChannelResponse, for refund: RefundOrder) -> RefundResult {
        switch verifiedAnswer(response, Method.refund) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            let asked = AnsweredRefund(refund, as: AlipayTransformers.reference)
            if let mismatch = asked.mismatch(
                refundNamed: answer.string("out_request_no"), orderNamed: answer.string("out_trade_no"), amountNamed: nil,
                parse: ChannelAmount.parseYuan)
            {
                return .unknown(reason: mismatch)
            }
            if let refunded = answer.string("refund_fee"), !Self.covers(refunded, refund.amount) {
                return .unknown(reason: "the answer's refund_fee \(refunded) is less than this refund's amount")
            }
            return AlipayTransformers.refundResult(answer)
        }
    }

    public func refundQueryRequest(_ refund: ChannelRefundReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(Method.refundQuery, AlipayTransformers.refundQueryContent(refund), notifyURL: nil, now: now)
    }

    /// The refund query answer names the trade, the refund (`out_request_no`) and its
    /// `refund_amount`; an answer without refund data ("not received, or failed") names none.
    public func refundQueryResult(_ response: ChannelResponse, for refund: ChannelRefundReference) -> RefundResult {
        switch verifiedAnswer(response, Method.refundQuery) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredRefund(refund, as: AlipayTransformers.reference).mismatch(
                refundNamed: answer.string("out_request_no"), orderNamed: answer.string("out_trade_no"),
                amountNamed: answer.string("refund_amount"), parse: ChannelAmount.parseYuan)
            {
                return .unknown(reason: mismatch)
            }
            return AlipayTransformers.refundQueryResult(answer)
        }
    }

    /// True when the yuan text `refunded` reads and is at least `amount`.
    static func covers(_ refunded: String, _ amount: Money) -> Bool {
        guard let total = ChannelAmount.parseYuan(refunded) else { return false }
        return total.currency == amount.currency && total.minorUnits >= amount.minorUnits
    }

    public func verifyCallback(_ request: HTTPRequest, now: Timestamp) -> CallbackVerification {
        guard request.body.count <= Self.callbackBodyBytesMax else { return .rejected(reason: "callback body too large") }
        guard let fields = FormFields.decoding(urlEncoded: request.body) else { return .rejected(reason: "callback form unreadable") }
        guard fields["sign_type"] == AlipayTransformers.signType else { return .rejected(reason: "sign_type is not RSA2") }
        guard let signText = fields["sign"], let signature = Base64.decode(signText) else {
            return .rejected(reason: "sign missing or not base64")
        }
        // Callbacks leave both sign and sign_type out of the signed text (requests keep sign_type).
        let message = Array(fields.signingText(excluding: ["sign", "sign_type"]).utf8)
        guard account.alipayKeys.verify(signature: signature, message: message, keyId: nil, now: now) else {
            return .rejected(reason: "signature does not verify")
        }
        guard fields["app_id"] == account.appId else { return .rejected(reason: "app_id is not this account's") }
        return AlipayTransformers.notification(fields)
    }

    /// Alipay stops retrying only on the exact body `success`; anything else is retried.
    public func callbackAcknowledgement(accepted: Bool) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array((accepted ? "success" : "failure").utf8))
    }

    /// The signed form POST of one method call.
    func signedRequest(_ method: String, _ bizContent: String, notifyURL: String?, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        var fields = FormFields([
            ("app_id", account.appId), ("biz_content", bizContent), ("charset", "utf-8"), ("method", method),
            ("notify_url", notifyURL ?? ""), ("sign_type", AlipayTransformers.signType),
            ("timestamp", ChinaTime.dateTime(now)), ("version", "1.0"),
        ])
        let signingText = fields.signingText(excluding: ["sign"])
        let signature: [UInt8]
        do {
            signature = try account.privateKey.signSHA256(Array(signingText.utf8))
        } catch {
            throw ChannelError(.signingFailed, "RSA2 signing failed: \(error.code)")
        }
        fields.append("sign", Base64.encode(signature))
        // Empty values are not sent (notify_url on calls that have none); the rest in name order.
        let sent = FormFields(fields.pairs.filter { !$0.value.isEmpty }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) })
        return OutboundRequest(
            method: "POST", url: account.gatewayURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")],
            body: Array(sent.urlEncoded.utf8))
    }

    /// The `<method>_response` object of an answer whose `sign` verifies over its raw text.
    func verifiedAnswer(_ response: ChannelResponse, _ method: String) -> Result<JSONValue, AnswerFailure> {
        guard response.status == 200 else { return .failure(AnswerFailure("HTTP \(response.status)")) }
        guard let document = JSONValue.parsing(response.body) else { return .failure(AnswerFailure("answer is not a JSON object")) }
        let member = method.replacingOccurrences(of: ".", with: "_") + "_response"
        guard let raw = AlipayResponseText.rawValue(ofMember: member, in: response.body), let answer = document[member] else {
            return .failure(AnswerFailure(document["error_response"] != nil ? "error_response (unsigned)" : "no \(member)"))
        }
        guard let signText = document.string("sign"), let signature = Base64.decode(signText) else {
            return .failure(AnswerFailure("answer is not signed"))
        }
        guard account.alipayKeys.verify(signature: signature, message: Array(raw), keyId: nil, now: clock()) else {
            return .failure(AnswerFailure("answer signature does not verify"))
        }
        return .success(answer)
    }
}
