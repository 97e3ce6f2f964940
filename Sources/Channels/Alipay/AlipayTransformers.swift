import PaygateCore

/// Alipay wire content (biz_content, answer objects, callbacks) and its
/// mapping to domain values. Amounts are yuan strings ("12.30") converted from integer fen.
enum AlipayTransformers {
    static let reference = ChannelOrderReference(.alipay)
    static let signType = "RSA2"
    /// `code` of a call that did what was asked.
    static let successCode = "10000"
    /// `code` of a definite business refusal; `sub_code` says which.
    static let businessFailureCode = "40004"
    /// `code` of "service unavailable, try again": never a definite answer.
    static let unavailableCode = "20000"
    static let tradeNotExist = "ACQ.TRADE_NOT_EXIST"
    static let tradeStatusError = "ACQ.TRADE_STATUS_ERROR"
    static let systemError = "ACQ.SYSTEM_ERROR"

    // MARK: biz_content

    static func precreateContent(_ order: PrepayOrder) throws(ChannelError) -> String {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectOpen()
        writer.member("out_trade_no", reference.payment(order.paymentId))
        writer.member("total_amount", try ChannelAmount.yuanText(order.amount))
        writer.member("subject", order.subject)
        writer.member("time_expire", ChinaTime.dateTime(order.expiresAt))
        writer.objectClose()
        return writer.string
    }

    static func tradeContent(_ paymentId: PaymentId) -> String {
        var writer = JSONWriter(reservingCapacity: 64)
        writer.objectOpen()
        writer.member("out_trade_no", reference.payment(paymentId))
        writer.objectClose()
        return writer.string
    }

    static func refundContent(_ refund: RefundOrder) throws(ChannelError) -> String {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectOpen()
        writer.member("out_trade_no", reference.payment(refund.paymentId))
        writer.member("refund_amount", try ChannelAmount.yuanText(refund.amount))
        writer.member("out_request_no", reference.refund(refund.refundId))
        if let reason = refund.reason { writer.member("refund_reason", reason) }
        writer.objectClose()
        return writer.string
    }

    static func refundQueryContent(_ refund: ChannelRefundReference) -> String {
        var writer = JSONWriter(reservingCapacity: 128)
        writer.objectOpen()
        writer.member("out_trade_no", reference.payment(refund.paymentId))
        writer.member("out_request_no", reference.refund(refund.refundId))
        writer.objectClose()
        return writer.string
    }

    static func statementContent(day: String) -> String {
        var writer = JSONWriter(reservingCapacity: 64)
        writer.objectOpen()
        writer.member("bill_type", "trade")
        writer.member("bill_date", day)
        writer.objectClose()
        return writer.string
    }

    // MARK: answers

    /// The failure code of a non-success answer, or nil when the answer is not definite.
    private static func definiteFailure(_ answer: JSONValue) -> String? {
        let code = answer.string("code") ?? ""
        let subCode = answer.string("sub_code")
        guard code != unavailableCode, subCode != systemError, code.hasPrefix("4") || code.hasPrefix("2") else { return nil }
        return subCode ?? code
    }

    /// On the local stack the sandbox also names its payer page (`sandbox_pay_url`), which
    /// becomes `pay_url`; Alipay itself does not, and the QR content is the pay URL. Precreate
    /// is the one Alipay product used: no page-pay URL or form.
    static let sandboxPayURLMember = "sandbox_pay_url"

    static func prepayResult(_ answer: JSONValue) -> PrepayResult {
        if answer.string("code") == successCode {
            guard let qrCode = answer.string("qr_code"), !qrCode.isEmpty else { return .unknown(reason: "success without qr_code") }
            return .accepted(ChannelPayload(payURL: answer.string(sandboxPayURLMember) ?? qrCode, qrCode: qrCode))
        }
        guard let failure = definiteFailure(answer), !prepayAnswersThatAreNotRefusals.contains(failure) else {
            return .unknown(reason: "code \(answer.string("code") ?? "-") sub_code \(answer.string("sub_code") ?? "-")")
        }
        return .rejected(failureCode: failure)
    }

    /// A retried prepay whose first attempt arrived (the trade exists or is paid), or our own
    /// signature refused (a key problem): never a reason to fail the payment.
    static let prepayAnswersThatAreNotRefusals: Set<String> = ["ACQ.TRADE_HAS_SUCCESS", "ACQ.TRADE_HAS_CLOSE", "isv.invalid-signature"]

    static func queryResult(_ answer: JSONValue) -> QueryResult {
        guard answer.string("code") == successCode else {
            if answer.string("sub_code") == tradeNotExist { return .notFound }
            return .unknown(reason: "code \(answer.string("code") ?? "-") sub_code \(answer.string("sub_code") ?? "-")")
        }
        switch answer.string("trade_status") {
        case "WAIT_BUYER_PAY": return .notPaid
        case "TRADE_CLOSED": return .closed
        case "TRADE_SUCCESS", "TRADE_FINISHED":
            guard let payment = payment(answer, paidAtField: "send_pay_date") else {
                return .unknown(reason: "paid trade with unreadable fields")
            }
            return .paid(payment)
        default: return .unknown(reason: "trade_status \(answer.string("trade_status") ?? "-")")
        }
    }

    /// A trade Alipay never created (the payer never opened the QR code) needs no closing. A
    /// status error means the trade is past closing, normally paid: the caller confirms by query.
    static func closeResult(_ answer: JSONValue) -> CloseResult {
        if answer.string("code") == successCode { return .closed }
        switch answer.string("sub_code") {
        case tradeNotExist: return .closed
        case tradeStatusError: return .alreadyPaid
        default: return .unknown(reason: "code \(answer.string("code") ?? "-") sub_code \(answer.string("sub_code") ?? "-")")
        }
    }

    /// `fund_change` Y: this call moved the money. N: nothing moved now (a repeat of a refund
    /// already made, or still in progress), so the refund query decides.
    static func refundResult(_ answer: JSONValue) -> RefundResult {
        if answer.string("code") == successCode {
            guard answer.string("fund_change") == "Y" else { return .processing }
            guard let tradeNo = answer.string("trade_no") else { return .unknown(reason: "refund success without trade_no") }
            return .succeeded(channelRefundId: tradeNo)
        }
        guard let failure = definiteFailure(answer) else { return .unknown(reason: "code \(answer.string("code") ?? "-")") }
        return .failed(failureCode: failure)
    }

    static func refundQueryResult(_ answer: JSONValue) -> RefundResult {
        guard answer.string("code") == successCode else {
            return .unknown(reason: "code \(answer.string("code") ?? "-") sub_code \(answer.string("sub_code") ?? "-")")
        }
        guard answer.string("refund_status") == "REFUND_SUCCESS" else { return .processing }
        guard let tradeNo = answer.string("trade_no") else { return .unknown(reason: "refund success without trade_no") }
        return .succeeded(channelRefundId: tradeNo)
    }

    private static func payment(_ fields: JSONValue, paidAtField: String) -> ChannelPayment? {
        guard let paymentId = fields.string("out_trade_no").flatMap(reference.paymentId), let tradeNo = fields.string("trade_no"),
            !tradeNo.isEmpty,
            let amount = fields.string("total_amount").flatMap(ChannelAmount.parseYuan),
            let paidAt = fields.string(paidAtField).flatMap(ChinaTime.parseDateTime)
        else { return nil }
        return ChannelPayment(paymentId: paymentId, channelTransactionId: tradeNo, amount: amount, paidAt: paidAt)
    }

    // MARK: callbacks

    /// A verified trade_status_sync notice. Refund notices (they carry `out_biz_no` and
    /// `refund_fee`, the trade's cumulative refunded amount, and a full refund turns the trade
    /// to TRADE_CLOSED) have no effect: Alipay's refund API already answered definitely.
    static func notification(_ fields: FormFields) -> CallbackVerification {
        guard let paymentId = fields["out_trade_no"].flatMap(reference.paymentId) else {
            return .rejected(reason: "out_trade_no is not a payment id")
        }
        if fields["out_biz_no"] != nil || fields["refund_fee"] != nil {
            return .verified(.noEffect(reason: "refund notice"))
        }
        switch fields["trade_status"] {
        case "TRADE_SUCCESS", "TRADE_FINISHED":
            guard let tradeNo = fields["trade_no"], !tradeNo.isEmpty,
                let amount = fields["total_amount"].flatMap(ChannelAmount.parseYuan),
                let paidAt = fields["gmt_payment"].flatMap(ChinaTime.parseDateTime)
            else {
                return .rejected(reason: "paid notice with unreadable trade_no, total_amount or gmt_payment")
            }
            return .verified(
                .paymentSucceeded(ChannelPayment(paymentId: paymentId, channelTransactionId: tradeNo, amount: amount, paidAt: paidAt)))
        case "TRADE_CLOSED":
            return .verified(.paymentClosed(paymentId: paymentId))
        case "WAIT_BUYER_PAY":
            return .verified(.noEffect(reason: "WAIT_BUYER_PAY"))
        default:
            return .rejected(reason: "unknown trade_status")
        }
    }
}
