import PaygateCore
import PaygateCrypto

/// UnionPay wire fields and their mapping to domain values. Amounts are integer fen
/// (`txnAmt=1230`), currency 156 (CNY), times `yyyyMMddHHmmss` in China time.
enum UnionPayTransformers {
    static let currencyCode = "156"
    static let successCode = "00"
    /// UnionPay counts both as success ("A6": success with a deferred detail); treating A6 as a
    /// failure would lose a paid order.
    static let successCodes: Set<String> = ["00", "A6"]
    /// respCode/origRespCode that mean "in progress or timed out, ask again later". "12"
    /// (duplicate transaction) answers a retried request whose first attempt arrived: the first
    /// attempt's outcome is what counts, so it is "ask again", never a definite failure.
    static let pendingCodes: Set<String> = ["03", "04", "05", "12"]
    /// respCode of a query for a transaction UnionPay does not have.
    static let notFoundCode = "34"
    static let consumeType = "01"
    static let reference = ChannelOrderReference(.unionpay)
    static let refundType = "04"

    /// A payment's txnTime: the creation time inside its id, so every retry sends the same one.
    static func txnTime(_ paymentId: PaymentId) -> String {
        ChinaTime.compact(Timestamp(millisecondsSinceEpoch: paymentId.millisecondsSinceEpoch))
    }

    // MARK: request fields (the common ones are added by the connector)

    static func qrApplyFields(_ order: PrepayOrder) throws(ChannelError) -> [(name: String, value: String)] {
        [
            ("txnType", consumeType), ("txnSubType", "07"), ("bizType", "000000"), ("channelType", "08"),
            ("orderId", reference.payment(order.paymentId)), ("txnTime", txnTime(order.paymentId)),
            ("txnAmt", String(try ChannelAmount.fen(order.amount))),
            ("currencyCode", currencyCode), ("backUrl", order.callbackURL), ("payTimeout", ChinaTime.compact(order.expiresAt)),
        ]
    }

    static func queryFields(orderId: String, txnTime: String) -> [(name: String, value: String)] {
        [("txnType", "00"), ("txnSubType", "00"), ("bizType", "000000"), ("orderId", orderId), ("txnTime", txnTime)]
    }

    static func refundFields(_ refund: RefundOrder) throws(ChannelError) -> [(name: String, value: String)] {
        guard let queryId = refund.channelTransactionId, !queryId.isEmpty else {
            throw ChannelError(.unsupported, "a UnionPay refund needs the payment's queryId")
        }
        return [
            ("txnType", refundType), ("txnSubType", "00"), ("bizType", "000000"), ("channelType", "08"),
            ("orderId", reference.refund(refund.refundId)), ("origQryId", queryId), ("txnTime", ChinaTime.compact(refund.createdAt)),
            ("txnAmt", String(try ChannelAmount.fen(refund.amount))), ("currencyCode", currencyCode), ("backUrl", refund.callbackURL),
        ]
    }

    static func fileTransferFields(settleDate: String, now: Timestamp) -> [(name: String, value: String)] {
        [
            ("txnType", "76"), ("txnSubType", "01"), ("bizType", "000000"), ("settleDate", settleDate), ("txnTime", ChinaTime.compact(now)),
            ("fileType", "00"),
        ]
    }

    // MARK: answers

    /// On the local stack the sandbox also names its payer page (`sandboxPayUrl`), which
    /// becomes `pay_url`; UnionPay itself does not, and the QR content is the pay URL.
    static let sandboxPayURLField = "sandboxPayUrl"

    static func prepayResult(_ answer: FormFields) -> PrepayResult {
        let code = answer["respCode"] ?? ""
        if successCodes.contains(code) {
            guard let qrCode = answer["qrCode"], !qrCode.isEmpty else { return .unknown(reason: "respCode 00 without qrCode") }
            return .accepted(ChannelPayload(payURL: answer[sandboxPayURLField] ?? qrCode, qrCode: qrCode))
        }
        guard !code.isEmpty, !pendingCodes.contains(code) else { return .unknown(reason: "respCode \(code)") }
        return .rejected(failureCode: code)
    }

    static func queryResult(_ answer: FormFields) -> QueryResult {
        let respCode = answer["respCode"] ?? ""
        if respCode == notFoundCode { return .notFound }
        guard successCodes.contains(respCode) else { return .unknown(reason: "respCode \(respCode.isEmpty ? "-" : respCode)") }
        let original = answer["origRespCode"] ?? ""
        if successCodes.contains(original) {
            guard let payment = payment(answer) else { return .unknown(reason: "paid order with unreadable fields") }
            return .paid(payment)
        }
        if pendingCodes.contains(original) { return .notPaid }
        return original.isEmpty ? .unknown(reason: "no origRespCode") : .failed(failureCode: original)
    }

    /// Accepted (respCode 00) is not done: the result comes by callback or refund query.
    static func refundResult(_ answer: FormFields) -> RefundResult {
        let code = answer["respCode"] ?? ""
        if successCodes.contains(code) { return .processing }
        guard !code.isEmpty, !pendingCodes.contains(code) else { return .unknown(reason: "respCode \(code)") }
        return .failed(failureCode: code)
    }

    /// A refund UnionPay has not heard of (34) may still be in flight: not a definite failure.
    static func refundQueryResult(_ answer: FormFields) -> RefundResult {
        guard successCodes.contains(answer["respCode"] ?? "") else { return .unknown(reason: "respCode \(answer["respCode"] ?? "-")") }
        let original = answer["origRespCode"] ?? ""
        if successCodes.contains(original) {
            guard let queryId = answer["queryId"], !queryId.isEmpty else { return .unknown(reason: "refund success without queryId") }
            return .succeeded(channelRefundId: queryId)
        }
        if pendingCodes.contains(original) { return .processing }
        return original.isEmpty ? .unknown(reason: "no origRespCode") : .failed(failureCode: original)
    }

    /// UnionPay reports no full payment time in these fields; txnTime (the order's time on the
    /// channel) stands for it. Currency, when present, must be 156.
    static func payment(_ fields: FormFields) -> ChannelPayment? {
        guard let paymentId = fields["orderId"].flatMap(reference.paymentId), let queryId = fields["queryId"], !queryId.isEmpty,
            fields["currencyCode"] == nil || fields["currencyCode"] == currencyCode,
            let amount = fields["txnAmt"].flatMap(ChannelAmount.parseFen),
            let paidAt = fields["txnTime"].flatMap(ChinaTime.parseCompact)
        else { return nil }
        return ChannelPayment(paymentId: paymentId, channelTransactionId: queryId, amount: amount, paidAt: paidAt)
    }

    // MARK: callbacks

    static func notification(_ fields: FormFields) -> CallbackVerification {
        guard let orderId = fields["orderId"], let code = fields["respCode"] else {
            return .rejected(reason: "orderId or respCode missing")
        }
        switch fields["txnType"] {
        case consumeType:
            guard let paymentId = reference.paymentId(orderId) else { return .rejected(reason: "orderId is not a payment of ours") }
            guard successCodes.contains(code) else { return .verified(.paymentFailed(paymentId: paymentId, failureCode: code)) }
            guard let payment = payment(fields) else {
                return .rejected(reason: "paid callback with unreadable queryId, txnAmt or txnTime")
            }
            return .verified(.paymentSucceeded(payment))
        case refundType:
            // An orderId that is not one of our refunds is passed on as it stands: the refund
            // callback service decides what an unknown refund is.
            let refundId = reference.refundId(orderId) ?? orderId
            // A notice saying "in progress" is not the refund's result: the next notice or the
            // refund query is.
            if pendingCodes.contains(code) { return .verified(.noEffect(reason: "refund notice respCode \(code): in progress")) }
            guard successCodes.contains(code) else { return .verified(.refundFailed(refundId: refundId, failureCode: code)) }
            guard let queryId = fields["queryId"], !queryId.isEmpty, let amount = fields["txnAmt"].flatMap(ChannelAmount.parseFen) else {
                return .rejected(reason: "refund callback with unreadable queryId or txnAmt")
            }
            return .verified(.refundSucceeded(refundId: refundId, channelRefundId: queryId, amount: amount))
        default:
            return .rejected(reason: "unknown txnType")
        }
    }
}
