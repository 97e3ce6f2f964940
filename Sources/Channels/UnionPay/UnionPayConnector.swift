import HTTPClient
import PaygateCore
import PaygateCrypto

/// UnionPay online gateway (5.1.0 style). Requests are form-encoded fields signed with our
/// certificate (certId); answers come back as `k=v&…` with raw values and callbacks as form
/// posts, both signed by a UnionPay certificate named by their own certId.
///
/// Prepay is "apply for a consume QR code" (txnType 01, txnSubType 07): its `qrCode` is the
/// `pay_url`. UnionPay names a transaction by orderId plus txnTime, so a payment's txnTime is
/// taken from its id (fixed at creation) and a refund's from its `createdAt`: retries and
/// queries then always name the same transaction.
public struct UnionPayConnector: ChannelConnector {
    public static let version = "5.1.0"
    /// Callbacks are around a kilobyte; anything far larger is not from UnionPay.
    public static let callbackBodyBytesMax = 16 * 1024

    public let account: UnionPayAccount
    /// Tells which retired UnionPay keys are still accepted when an answer arrives.
    let clock: @Sendable () -> Timestamp
    public var channel: Channel { .unionpay }

    /// `clock` is the wall clock unless a test fixes it.
    public init(account: UnionPayAccount, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.account = account
        self.clock = clock
    }

    private var backURL: String { account.baseURL + "/backTransReq.do" }
    private var queryURL: String { account.baseURL + "/queryTrans.do" }

    public func prepayRequest(_ order: PrepayOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(backURL, UnionPayTransformers.qrApplyFields(order))
    }

    /// The QR apply's answer echoes orderId and txnTime; accepted, the payload carries its
    /// `qrCode` and the signed front-end form of the same transaction (`frontForm`).
    public func prepayResult(_ response: ChannelResponse, for order: PrepayOrder) -> PrepayResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredOrder.mismatch(named: answer["orderId"], asked: order.paymentId, as: UnionPayTransformers.reference)
                ?? Self.txnTimeMismatch(answer, asked: UnionPayTransformers.txnTime(order.paymentId))
            {
                return .unknown(reason: mismatch)
            }
            let result = UnionPayTransformers.prepayResult(answer)
            guard case .accepted(var payload) = result else { return result }
            do {
                payload.form = try frontForm(order)
            } catch {
                return .unknown(reason: "the front-end form could not be signed: \(error.message)")
            }
            return .accepted(payload)
        }
    }

    public func queryRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(
            queryURL,
            UnionPayTransformers.queryFields(
                orderId: UnionPayTransformers.reference.payment(payment.paymentId), txnTime: UnionPayTransformers.txnTime(payment.paymentId)
            ))
    }

    public func queryResult(_ response: ChannelResponse, for paymentId: PaymentId) -> QueryResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = AnsweredOrder.mismatch(named: answer["orderId"], asked: paymentId, as: UnionPayTransformers.reference) {
                return .unknown(reason: mismatch)
            }
            // UnionPay names a transaction by orderId plus txnTime: both must be the ones asked.
            if let mismatch = Self.txnTimeMismatch(answer, asked: UnionPayTransformers.txnTime(paymentId)) {
                return .unknown(reason: mismatch)
            }
            return UnionPayTransformers.queryResult(answer)
        }
    }

    /// UnionPay has no call that closes an unpaid order; it stops taking payment at the
    /// payTimeout sent with the prepay (the payment's expires_at). So a close is a query made
    /// after that time, and before it the close is refused as unsupported.
    public func closeRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        guard now > payment.expiresAt else {
            throw ChannelError(.unsupported, "UnionPay cannot close an unpaid order before its payTimeout")
        }
        return try queryRequest(payment, now: now)
    }

    public func closeResult(_ response: ChannelResponse, for paymentId: PaymentId) -> CloseResult {
        switch queryResult(response, for: paymentId) {
        case .paid: .alreadyPaid
        case .notPaid, .closed, .failed, .notFound: .closed
        case .unknown(let reason): .unknown(reason: reason)
        }
    }

    public func refundRequest(_ refund: RefundOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(backURL, UnionPayTransformers.refundFields(refund))
    }

    /// The answer echoes the refund's orderId, txnTime and txnAmt, and origQryId names the
    /// payment it refunds: each must be the one sent.
    public func refundResult(_ response: ChannelResponse, for refund: RefundOrder) -> RefundResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let original = answer["origQryId"], let sent = refund.channelTransactionId, original != sent {
                return .unknown(reason: "the answer refunds transaction \(original), not \(sent)")
            }
            if let mismatch = Self.refundMismatch(
                answer, AnsweredRefund(refund, as: UnionPayTransformers.reference), txnTime: ChinaTime.compact(refund.createdAt))
            {
                return .unknown(reason: mismatch)
            }
            return UnionPayTransformers.refundResult(answer)
        }
    }

    public func refundQueryRequest(_ refund: ChannelRefundReference, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(
            queryURL,
            UnionPayTransformers.queryFields(
                orderId: UnionPayTransformers.reference.refund(refund.refundId), txnTime: ChinaTime.compact(refund.createdAt)))
    }

    public func refundQueryResult(_ response: ChannelResponse, for refund: ChannelRefundReference) -> RefundResult {
        switch verifiedAnswer(response) {
        case .failure(let failure): return .unknown(reason: failure.reason)
        case .success(let answer):
            if let mismatch = Self.refundMismatch(
                answer, AnsweredRefund(refund, as: UnionPayTransformers.reference), txnTime: ChinaTime.compact(refund.createdAt))
            {
                return .unknown(reason: mismatch)
            }
            return UnionPayTransformers.refundQueryResult(answer)
        }
    }

    static func txnTimeMismatch(_ answer: FormFields, asked txnTime: String) -> String? {
        guard let named = answer["txnTime"], named != txnTime else { return nil }
        return "the answer is about the transaction of txnTime \(named), not \(txnTime)"
    }

    /// A refund is the transaction orderId (the refund's number) plus txnTime; txnAmt is its amount.
    private static func refundMismatch(_ answer: FormFields, _ asked: AnsweredRefund, txnTime: String) -> String? {
        asked.mismatch(refundNamed: answer["orderId"], orderNamed: nil, amountNamed: answer["txnAmt"], parse: ChannelAmount.parseFen)
            ?? txnTimeMismatch(answer, asked: txnTime)
    }

    /// `day` is `yyyy-MM-dd` (a China calendar day); UnionPay wants the settle date as MMdd.
    public func verifyCallback(_ request: HTTPRequest, now: Timestamp) -> CallbackVerification {
        guard request.body.count <= Self.callbackBodyBytesMax else { return .rejected(reason: "callback body too large") }
        guard let fields = FormFields.decoding(urlEncoded: request.body) else { return .rejected(reason: "callback form unreadable") }
        guard verifies(fields, now: now) else { return .rejected(reason: "signature does not verify") }
        guard fields["merId"] == account.merchantId else { return .rejected(reason: "merId is not this account's") }
        return UnionPayTransformers.notification(fields)
    }

    /// UnionPay retries until it gets HTTP 200; the body is ours to choose.
    public func callbackAcknowledgement(accepted: Bool) -> HTTPResponse {
        HTTPResponse(status: accepted ? 200 : 400, headers: [("Content-Type", "text/plain")], body: Array((accepted ? "ok" : "fail").utf8))
    }

    /// Adds the fields every request carries, signs, and form-encodes in name order.
    func signedRequest(_ url: String, _ specific: [(name: String, value: String)]) throws(ChannelError) -> OutboundRequest {
        let sent = try signedFields(specific)
        return OutboundRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")],
            body: Array(sent.urlEncoded.utf8))
    }

    /// The fields every request carries plus `specific`, signed, the empty ones left out, in
    /// name order: what is posted, by us or by the payer's browser.
    func signedFields(_ specific: [(name: String, value: String)]) throws(ChannelError) -> FormFields {
        var fields = FormFields(
            [
                ("version", Self.version), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"),
                ("merId", account.merchantId), ("certId", account.signingCertificateId),
            ] + specific)
        let signature: [UInt8]
        do {
            signature = try account.privateKey.signSHA256(UnionPaySignedText.message(fields))
        } catch {
            throw ChannelError(.signingFailed, "UnionPay signing failed: \(error.code)")
        }
        fields.append("signature", Base64.encode(signature))
        return FormFields(fields.pairs.filter { !$0.value.isEmpty }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) })
    }

    func verifiedAnswer(_ response: ChannelResponse) -> Result<FormFields, AnswerFailure> {
        guard response.status == 200 else { return .failure(AnswerFailure("HTTP \(response.status)")) }
        guard let fields = FormFields.decoding(raw: response.body) else { return .failure(AnswerFailure("answer fields unreadable")) }
        guard verifies(fields, now: clock()) else { return .failure(AnswerFailure("answer signature does not verify")) }
        return .success(fields)
    }

    private func verifies(_ fields: FormFields, now: Timestamp) -> Bool {
        guard let certId = fields["certId"], let signature = fields["signature"].flatMap(Base64.decode) else { return false }
        return account.verificationKeys.verify(signature: signature, message: UnionPaySignedText.message(fields), keyId: certId, now: now)
    }
}

/// UnionPay 5.1 signs the lower-case hex SHA-256 of the sorted `k=v&…` text (without
/// `signature`), not the text itself: SHA256withRSA over those 64 ASCII characters.
enum UnionPaySignedText {
    static func text(_ fields: FormFields) -> String {
        fields.signingText(excluding: ["signature"])
    }

    static func message(_ fields: FormFields) -> [UInt8] {
        Array(Hex.encode(SHA256Digest.hash(Array(text(fields).utf8))).utf8)
    }
}
