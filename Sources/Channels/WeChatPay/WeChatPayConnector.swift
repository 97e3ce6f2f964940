import HTTPClient
import PaygateCore
import PaygateCrypto

/// WeChat Pay API v3. JSON bodies; every request carries an `Authorization` header signed with
/// our merchant key over `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n`, and every answer and
/// callback is signed by a platform key named in `Wechatpay-Serial` over
/// `timestamp\nnonce\nbody\n`. Prepay is Native payment: its `code_url` is the `pay_url`.
public struct WeChatPayConnector: ChannelConnector {
    public static let authorizationSchema = "WECHATPAY2-SHA256-RSA2048"
    /// WeChat Pay's own SDKs send 32 characters; the channel accepts up to 32.
    public static let nonceCharacterCount = 32

    public let account: WeChatPayAccount
    /// Tells which retired platform keys are still accepted when an answer arrives.
    let clock: @Sendable () -> Timestamp
    /// Draws each request's nonce; tests fix it to get golden requests.
    let makeNonce: @Sendable () throws(CryptoError) -> String
    public var channel: Channel { .wechatpay }

    /// `clock` is the wall clock and `makeNonce` draws `nonceCharacterCount` random
    /// alphanumerics unless a test fixes them.
    public init(
        account: WeChatPayAccount,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
        makeNonce: @escaping @Sendable () throws(CryptoError) -> String = { () throws(CryptoError) in
            try SecureRandom.alphanumeric(WeChatPayConnector.nonceCharacterCount)
        }
    ) {
        self.account = account
        self.clock = clock
        self.makeNonce = makeNonce
    }

    private var tradePath: String { "/v3/pay/transactions/out-trade-no/" }

    public func prepayRequest(_ order: PrepayOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest("POST", "/v3/pay/transactions/native", body: WeChatPayTransformers.nativeBody(order, account: account), now: now)
    }

    /// Native's answer names no order (only `code_url`), so there is nothing to compare.
    public func prepayResult(_ response: ChannelResponse, for order: PrepayOrder) -> PrepayResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): .unknown(reason: failure.reason)
        case .success(let answer): WeChatPayTransformers.prepayResult(status: response.status, answer)
        }
    }

    public func queryRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        let query = "?mchid=" + FormFields.percentEncoded(account.merchantId)
        return try signedRequest("GET", tradePath + WeChatPayTransformers.reference.payment(payment.paymentId) + query, body: "", now: now)
    }

    public func queryResult(_ response: ChannelResponse, for paymentId: PaymentId) -> QueryResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredOrder.mismatch(
                named: answer.string("out_trade_no"), asked: paymentId, as: WeChatPayTransformers.reference)
            {
                return .unknown(reason: mismatch)
            }
            return WeChatPayTransformers.queryResult(status: response.status, answer)
        }
    }

    public func closeRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(
            "POST", tradePath + WeChatPayTransformers.reference.payment(payment.paymentId) + "/close",
            body: WeChatPayTransformers.merchantBody(account), now: now)
    }

    public func closeResult(_ response: ChannelResponse, for paymentId: PaymentId) -> CloseResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredOrder.mismatch(
                named: answer.string("out_trade_no"), asked: paymentId, as: WeChatPayTransformers.reference)
            {
                return .unknown(reason: mismatch)
            }
            return WeChatPayTransformers.closeResult(status: response.status, answer)
        }
    }

    public func refundRequest(_ refund: RefundOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest("POST", "/v3/refund/domestic/refunds", body: WeChatPayTransformers.refundBody(refund), now: now)
    }

    public func refundResult(_ response: ChannelResponse, for refund: RefundOrder) -> RefundResult {
        refundAnswer(response, asked: AnsweredRefund(refund, as: WeChatPayTransformers.reference))
    }

    public func refundQueryRequest(_ refund: ChannelRefundReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(
            "GET", "/v3/refund/domestic/refunds/" + FormFields.percentEncoded(WeChatPayTransformers.reference.refund(refund.refundId)),
            body: "", now: now)
    }

    public func refundQueryResult(_ response: ChannelResponse, for refund: ChannelRefundReference) -> RefundResult {
        refundAnswer(response, asked: AnsweredRefund(refund, as: WeChatPayTransformers.reference))
    }

    /// Both refund answers are the refund object: `out_refund_no`, `out_trade_no` and
    /// `amount.refund` (fen) must be the ones asked about.
    private func refundAnswer(_ response: ChannelResponse, asked: AnsweredRefund) -> RefundResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = asked.mismatch(
                refundNamed: answer.string("out_refund_no"), orderNamed: answer.string("out_trade_no"),
                amountNamed: answer["amount"]?.numberText("refund"), parse: ChannelAmount.parseFen)
            {
                return .unknown(reason: mismatch)
            }
            return WeChatPayTransformers.refundResult(status: response.status, answer)
        }
    }

    public func verifyCallback(_ request: HTTPRequest, now: Timestamp) -> CallbackVerification {
        WeChatPayCallback.verify(request, account: account, now: now)
    }

    /// 204 acknowledges; anything else is retried by WeChat Pay, with the JSON failure body.
    public func callbackAcknowledgement(accepted: Bool) -> HTTPResponse {
        if accepted { return HTTPResponse(status: 204) }
        return .json(status: 400, body: Array(#"{"code":"FAIL","message":"callback refused"}"#.utf8))
    }

    /// `pathAndQuery` is signed exactly as it is sent, after the base URL.
    func signedRequest(_ method: String, _ pathAndQuery: String, body: String, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        let nonce: String
        do {
            nonce = try makeNonce()
        } catch {
            throw ChannelError(.signingFailed, "drawing a nonce failed: \(error.code)")
        }
        let timestamp = String(now.secondsSinceEpoch)
        let message = method + "\n" + pathAndQuery + "\n" + timestamp + "\n" + nonce + "\n" + body + "\n"
        let signature: [UInt8]
        do {
            signature = try account.privateKey.signSHA256(Array(message.utf8))
        } catch {
            throw ChannelError(.signingFailed, "request signing failed: \(error.code)")
        }
        let authorization =
            Self.authorizationSchema + " mchid=\"\(account.merchantId)\",nonce_str=\"\(nonce)\",signature=\"\(Base64.encode(signature))\","
            + "timestamp=\"\(timestamp)\",serial_no=\"\(account.merchantCertificateSerial)\""
        var headers = [("Authorization", authorization), ("Accept", "application/json")]
        if method == "POST" { headers.append(("Content-Type", "application/json")) }
        return OutboundRequest(method: method, url: account.baseURL + pathAndQuery, headers: headers, body: Array(body.utf8))
    }

    /// The answer's JSON (`.null` for an empty body) once its platform signature verifies.
    /// An unsigned answer, even a 4xx, is never taken as definite.
    func verifiedAnswer(_ response: ChannelResponse) -> Result<JSONValue, AnswerFailure> {
        guard let timestamp = response.header("wechatpay-timestamp"), let nonce = response.header("wechatpay-nonce"),
            let signatureText = response.header("wechatpay-signature"), let serial = response.header("wechatpay-serial")
        else {
            return .failure(AnswerFailure("HTTP \(response.status) without signature headers"))
        }
        guard WeChatPaySignedText.hasSignatureType(response.header) else {
            return .failure(AnswerFailure("HTTP \(response.status) without Wechatpay-Signature-Type \(WeChatPaySignedText.signatureType)"))
        }
        guard let signature = Base64.decode(signatureText),
            account.platformKeys.verify(
                signature: signature, message: WeChatPaySignedText.message(timestamp, nonce, response.body),
                keyId: serial, now: clock())
        else {
            return .failure(AnswerFailure("answer signature does not verify"))
        }
        if response.body.isEmpty { return .success(.null) }
        guard let answer = JSONValue.parsing(response.body) else { return .failure(AnswerFailure("answer is not a JSON object")) }
        return .success(answer)
    }
}

/// The text WeChat Pay signs on answers and callbacks.
enum WeChatPaySignedText {
    /// The only `Wechatpay-Signature-Type` WeChat Pay v3 uses for RSA platform keys; its SDKs
    /// refuse an answer or callback without it, and so do we.
    static let signatureType = "WECHATPAY2-SHA256-RSA2048"

    /// Whether the headers name the signature type we verify (lower-case names, as given).
    static func hasSignatureType(_ header: (String) -> String?) -> Bool {
        header("wechatpay-signature-type") == signatureType
    }

    static func message(_ timestamp: String, _ nonce: String, _ body: [UInt8]) -> [UInt8] {
        Array((timestamp + "\n" + nonce + "\n").utf8) + body + [0x0A]
    }
}
