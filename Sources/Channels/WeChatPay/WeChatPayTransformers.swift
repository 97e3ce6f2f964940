import PaygateCore

/// WeChat Pay v3 wire bodies and their mapping to domain values. Amounts are integer fen in
/// `{"total": 1230, "currency": "CNY"}`.
enum WeChatPayTransformers {
    static let reference = ChannelOrderReference(.wechatpay)
    static let currencyCode = "CNY"
    /// HTTP 429 (FREQUENCY_LIMITED) is a 4xx that is not a definite answer.
    static let rateLimitedStatus = 429

    // MARK: request bodies

    static func nativeBody(_ order: PrepayOrder, account: WeChatPayAccount) throws(ChannelError) -> String {
        let total = try ChannelAmount.fen(order.amount)
        var writer = JSONWriter(reservingCapacity: 384)
        writer.objectOpen()
        writer.member("appid", account.appId)
        writer.member("mchid", account.merchantId)
        writer.member("description", order.subject)
        writer.member("out_trade_no", reference.payment(order.paymentId))
        writer.member("time_expire", ChinaTime.rfc3339(order.expiresAt))
        writer.member("notify_url", order.callbackURL)
        writer.key("amount")
        writer.objectOpen()
        writer.member("total", Int(total))
        writer.member("currency", currencyCode)
        writer.objectClose()
        writer.objectClose()
        return writer.string
    }

    static func merchantBody(_ account: WeChatPayAccount) -> String {
        var writer = JSONWriter(reservingCapacity: 64)
        writer.objectOpen()
        writer.member("mchid", account.merchantId)
        writer.objectClose()
        return writer.string
    }

    static func refundBody(_ refund: RefundOrder) throws(ChannelError) -> String {
        let amount = try ChannelAmount.fen(refund.amount)
        let total = try ChannelAmount.fen(refund.paymentAmount)
        var writer = JSONWriter(reservingCapacity: 384)
        writer.objectOpen()
        writer.member("out_trade_no", reference.payment(refund.paymentId))
        writer.member("out_refund_no", reference.refund(refund.refundId))
        if let reason = refund.reason.flatMap(ChannelTextRules.weChatPayRefundReason) { writer.member("reason", reason) }
        writer.member("notify_url", refund.callbackURL)
        writer.key("amount")
        writer.objectOpen()
        writer.member("refund", Int(amount))
        writer.member("total", Int(total))
        writer.member("currency", currencyCode)
        writer.objectClose()
        writer.objectClose()
        return writer.string
    }

    // MARK: answers

    private static func isDefiniteRefusal(_ status: Int) -> Bool {
        (400...499).contains(status) && status != rateLimitedStatus
    }

    private static func code(_ answer: JSONValue, _ status: Int) -> String {
        answer.string("code") ?? "HTTP_\(status)"
    }

    /// On the local stack the sandbox also names its payer page (`sandbox_pay_url`), which
    /// becomes `pay_url`; WeChat Pay itself does not, and the QR content is the pay URL.
    static let sandboxPayURLMember = "sandbox_pay_url"

    static func prepayResult(status: Int, _ answer: JSONValue) -> PrepayResult {
        if status == 200 {
            guard let codeURL = answer.string("code_url"), !codeURL.isEmpty else { return .unknown(reason: "200 without code_url") }
            return .accepted(ChannelPayload(payURL: answer.string(sandboxPayURLMember) ?? codeURL, codeURL: codeURL))
        }
        let failure = code(answer, status)
        // The order exists or is paid already (a retried prepay whose first attempt arrived), or
        // our own signature was refused (a key problem, not this order's fault): none of these
        // may fail the payment; the outcome is learnt by query.
        if prepayAnswersThatAreNotRefusals.contains(failure) { return .unknown(reason: "HTTP \(status) \(failure)") }
        return isDefiniteRefusal(status) ? .rejected(failureCode: failure) : .unknown(reason: "HTTP \(status) \(failure)")
    }

    static let prepayAnswersThatAreNotRefusals: Set<String> = ["ORDERPAID", "OUT_TRADE_NO_USED", "SIGN_ERROR", "ORDER_CLOSED"]

    static func queryResult(status: Int, _ answer: JSONValue) -> QueryResult {
        if status == 404 && answer.string("code") == "ORDER_NOT_EXIST" { return .notFound }
        guard status == 200 else { return .unknown(reason: "HTTP \(status) \(code(answer, status))") }
        switch answer.string("trade_state") {
        case "NOTPAY", "USERPAYING": return .notPaid
        case "CLOSED", "REVOKED": return .closed
        case "PAYERROR": return .failed(failureCode: "PAYERROR")
        case "SUCCESS", "REFUND":
            // REFUND: paid, then (partly) refunded; the payment itself succeeded.
            guard let payment = payment(answer) else { return .unknown(reason: "paid order with unreadable fields") }
            return .paid(payment)
        default: return .unknown(reason: "trade_state \(answer.string("trade_state") ?? "-")")
        }
    }

    /// WeChat Pay may answer 204 for an order that is in fact paid: the caller confirms a close
    /// with a query before writing `closed`.
    static func closeResult(status: Int, _ answer: JSONValue) -> CloseResult {
        if status == 204 { return .closed }
        switch answer.string("code") {
        case "ORDER_CLOSED": return .closed
        case "ORDERPAID": return .alreadyPaid
        default: return .unknown(reason: "HTTP \(status) \(code(answer, status))")
        }
    }

    static func refundResult(status: Int, _ answer: JSONValue) -> RefundResult {
        guard status == 200 else {
            // A refund the channel has not heard of (404 on a query) may still be in flight.
            guard isDefiniteRefusal(status), status != 404 else { return .unknown(reason: "HTTP \(status) \(code(answer, status))") }
            return .failed(failureCode: code(answer, status))
        }
        let refundState = answer.string("status") ?? answer.string("refund_status")
        switch refundState {
        case "SUCCESS":
            guard let refundId = answer.string("refund_id"), !refundId.isEmpty else { return .unknown(reason: "SUCCESS without refund_id") }
            return .succeeded(channelRefundId: refundId)
        case "PROCESSING": return .processing
        case "CLOSED", "ABNORMAL": return .failed(failureCode: refundState ?? "-")
        default: return .unknown(reason: "refund status \(refundState ?? "-")")
        }
    }

    /// A paid transaction (query answer or decrypted callback resource). CNY only.
    static func payment(_ transaction: JSONValue) -> ChannelPayment? {
        guard let paymentId = transaction.string("out_trade_no").flatMap(reference.paymentId),
            let transactionId = transaction.string("transaction_id"), !transactionId.isEmpty,
            let amount = transaction["amount"], amount.string("currency") == currencyCode,
            let total = amount.numberText("total").flatMap(ChannelAmount.parseFen),
            let paidAt = transaction.string("success_time").flatMap(ChinaTime.parseRFC3339)
        else { return nil }
        return ChannelPayment(paymentId: paymentId, channelTransactionId: transactionId, amount: total, paidAt: paidAt)
    }
}
