import PaygateCore
import PaygateCrypto

/// Alipay's open-platform gateway, from Alipay's side: one endpoint for every method, taking its
/// parameters in each layout Alipay's clients use (`AlipayRequestForm`), RSA2 request signatures
/// checked with the merchant's public key, each field held to Alipay's limits (`AlipayLimits`),
/// and JSON answers whose `<method>_response` text is signed with Alipay's key exactly as sent.
struct AlipaySide: Sendable {
    static let gatewayPath = "/alipay/gateway.do"
    static let billPathPrefix = "/alipay/bill/"
    /// Answer fields: Alipay answers hold only strings, in this order.
    typealias Fields = [(String, String)]

    let context: SandboxContext
    var keys: SandboxChannelKeys { context.configuration.alipay }
    var state: SandboxState { context.state }

    func handleGateway(_ request: HTTPRequest, now: Timestamp) -> HTTPResponse {
        guard let form = AlipayRequestForm.parameters(request), let method = form["method"], !method.isEmpty,
            method.utf8.allSatisfy({ $0 == 0x2E || ($0 >= 0x61 && $0 <= 0x7A) })
        else {
            return errorResponse()
        }
        guard form["app_id"] == keys.merchantAccountId else {
            return answer(method, Self.failure("40002", "isv.invalid-app-id"))
        }
        guard form["sign_type"] == "RSA2", let signature = form["sign"].flatMap(Base64.decode),
            keys.merchantSigned(signature, Array(form.signingText(excluding: ["sign"]).utf8), keyId: nil)
        else {
            return answer(method, Self.failure("40002", "isv.invalid-signature"))
        }
        guard let content = form["biz_content"].flatMap({ JSONValue.object(Array($0.utf8)) }) else {
            return answer(method, Self.failure("40002", "isv.invalid-biz-content"))
        }
        let fields: Fields
        switch method {
        case "alipay.trade.precreate": fields = precreate(content, notifyURL: form["notify_url"] ?? "", now: now)
        case "alipay.trade.query": fields = query(content, now: now)
        case "alipay.trade.close": fields = close(content, now: now)
        case "alipay.trade.refund": fields = refund(content, now: now)
        case "alipay.trade.fastpay.refund.query": fields = refundQuery(content, now: now)
        case "alipay.data.dataservice.bill.downloadurl.query": fields = statement(content, now: now)
        default: fields = Self.failure("40002", "isv.invalid-method")
        }
        return answer(method, fields)
    }

    // MARK: methods

    private func precreate(_ content: JSONValue, notifyURL: String, now: Timestamp) -> Fields {
        guard let outTradeNo = content.text("out_trade_no"), content["total_amount"] != nil, let subject = content.text("subject") else {
            return Self.failure("40002", "isv.invalid-parameter")
        }
        // Alipay refuses the characters that would re-split the signed text of its notifications.
        guard !subject.contains(where: { $0 == "&" || $0 == "=" }) else { return Self.failure("40002", "isv.invalid-parameter") }
        let amount: Money
        do { amount = try AlipayLimits.precreate(content, notifyURL: notifyURL) } catch { return Self.failure(error) }
        let expiresAt = content.text("time_expire").flatMap(ChannelTime.parseDateTime)
        let order = SandboxOrder(
            channel: .alipay, outTradeNo: outTradeNo, amount: amount, subject: subject, expiresAt: expiresAt, notifyURL: notifyURL,
            token: SandboxState.randomToken(), createdAt: now, orderTime: "", appId: "",
            channelTransactionId: String(ChannelTime.compact(now).prefix(8)) + "2200" + String(1_000_000_000 + state.nextSerial()))
        switch state.create(order) {
        case .created(let created), .repeated(let created):
            // Alipay's QR content is an https URL on qr.alipay.com; the payer page is the sandbox's own.
            return Self.success + [
                ("out_trade_no", outTradeNo), ("qr_code", Self.qrCodePrefix + created.token),
                ("sandbox_pay_url", context.payURL(.alipay, token: created.token)),
            ]
        case .conflict: return Self.failure("40004", "ACQ.CONTEXT_INCONSISTENT")
        case .full: return Self.failure("20000", "ACQ.SYSTEM_ERROR")
        }
    }

    private func query(_ content: JSONValue, now: Timestamp) -> Fields {
        if let refusal = content.text("out_trade_no").flatMap(AlipayLimits.outTradeNo) { return Self.failure(refusal) }
        let faults = state.faults
        guard
            let order = content.text("out_trade_no").flatMap({
                state.order(channel: .alipay, outTradeNo: faults.queriedOrder($0, on: .alipay), now: now)
            })
        else {
            return Self.failure("40004", "ACQ.TRADE_NOT_EXIST")
        }
        var fields =
            Self.success + [
                ("trade_no", order.channelTransactionId), ("out_trade_no", order.outTradeNo),
                ("buyer_logon_id", "sandbox***@example.com"), ("trade_status", Self.tradeStatus(order)),
                ("total_amount", (order.paidAmount ?? order.amount).text),
            ]
        if let paidAt = order.paidAt { fields.append(("send_pay_date", ChannelTime.dateTime(paidAt))) }
        return fields
    }

    private func close(_ content: JSONValue, now: Timestamp) -> Fields {
        if let refusal = content.text("out_trade_no").flatMap(AlipayLimits.outTradeNo) { return Self.failure(refusal) }
        switch state.close(channel: .alipay, outTradeNo: content.text("out_trade_no") ?? "", now: now) {
        case .closed(let order): return Self.success + [("trade_no", order.channelTransactionId), ("out_trade_no", order.outTradeNo)]
        case .alreadyPaid: return Self.failure("40004", "ACQ.TRADE_STATUS_ERROR")
        case .notFound: return Self.failure("40004", "ACQ.TRADE_NOT_EXIST")
        }
    }

    /// Alipay refunds synchronously: `fund_change` Y when this call moved money, N when it is a
    /// repeat of a refund already made. Alipay then also posts a refund notice. A refund that
    /// fails (the `refund_result` fault) is refused in the answer itself, again on every repeat,
    /// and announced by no notice (the trade did not change).
    private func refund(_ content: JSONValue, now: Timestamp) -> Fields {
        guard let outTradeNo = content.text("out_trade_no"), content["refund_amount"] != nil else {
            return Self.failure("40002", "isv.invalid-parameter")
        }
        let amount: Money
        do { amount = try AlipayLimits.refund(content) } catch { return Self.failure(error) }
        let refundId = content.text("out_request_no") ?? outTradeNo
        let outcome = state.refund(
            channel: .alipay, order: RecordKey(channel: .alipay, number: outTradeNo), refundId: refundId, amount: amount, notifyURL: "",
            orderTime: "", channelRefundId: "", failureCode: Self.refundFailureSubCode, now: now,
            callback: { refund, order in refund.succeeded ? AlipayCallbacks.refundNotice(refund, order, keys: keys) : nil })
        switch outcome {
        case .created(var refund, var order), .repeated(var refund, var order):
            if let failureCode = refund.failureCode { return Self.failure("40004", failureCode) }
            let moved = if case .created = outcome { "Y" } else { "N" }
            if let other = state.misdirectedRefund(for: refundId, on: .alipay, now: now) { (refund, order) = other }
            return Self.success + [
                ("trade_no", order.channelTransactionId), ("out_trade_no", order.outTradeNo),
                ("buyer_logon_id", "sandbox***@example.com"), ("fund_change", moved),
                ("refund_fee", order.refundedAmount.text), ("gmt_refund_pay", ChannelTime.dateTime(refund.createdAt)),
            ]
        case .orderNotFound: return Self.failure("40004", "ACQ.TRADE_NOT_EXIST")
        case .orderNotPaid: return Self.failure("40004", "ACQ.TRADE_STATUS_ERROR")
        case .exceedsPaidAmount: return Self.failure("40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
        case .conflict: return Self.failure("40004", "ACQ.REFUND_FEE_ERROR")
        case .full: return Self.failure("20000", "ACQ.SYSTEM_ERROR")
        }
    }

    /// A refund Alipay does not know, or one that failed, is answered with success and no
    /// refund data, as Alipay does ("not received, or failed").
    private func refundQuery(_ content: JSONValue, now: Timestamp) -> Fields {
        if let refusal = content.text("out_trade_no").flatMap(AlipayLimits.outTradeNo)
            ?? content.text("out_request_no").flatMap(
                AlipayLimits.outRequestNo)
        {
            return Self.failure(refusal)
        }
        guard let order = content.text("out_trade_no").flatMap({ state.order(channel: .alipay, outTradeNo: $0, now: now) }) else {
            return Self.failure("40004", "ACQ.TRADE_NOT_EXIST")
        }
        let asked = content.text("out_request_no") ?? order.outTradeNo
        if let other = state.misdirectedRefund(for: asked, on: .alipay, now: now), other.refund.succeeded {
            return Self.refundQueryAnswer(other.refund, other.order)
        }
        guard let refund = state.refund(channel: .alipay, refundId: asked), refund.outTradeNo == order.outTradeNo, refund.succeeded
        else { return Self.success }
        return Self.refundQueryAnswer(refund, order)
    }

    private static func refundQueryAnswer(_ refund: SandboxRefund, _ order: SandboxOrder) -> Fields {
        let refundId = refund.refundId
        return Self.success + [
            ("trade_no", order.channelTransactionId), ("out_trade_no", order.outTradeNo), ("out_request_no", refundId),
            ("total_amount", order.amount.text), ("refund_amount", refund.amount.text), ("refund_status", "REFUND_SUCCESS"),
        ]
    }

    private func statement(_ content: JSONValue, now: Timestamp) -> Fields {
        guard content.text("bill_type") == "trade", let day = content.text("bill_date"), day.utf8.count == 10,
            ChannelTime.parseDateTime(day + " 00:00:00") != nil
        else { return Self.failure("40004", "isv.invalid-bill-date") }
        let lines = SandboxStatement.lines(state, channel: .alipay, day: day)
        let badFile = state.faults.statement.flatMap { $0.channel == .alipay && $0.day == day ? $0.badFile : nil }
        let archive = AlipayBill.archive(lines, pid: pid, day: day, now: now, badFile: badFile)
        guard let token = state.registerDownload(channel: .alipay, content: archive, validSeconds: Self.billURLSeconds, now: now) else {
            return Self.failure("20000", "ACQ.SYSTEM_ERROR")
        }
        return Self.success + [("bill_download_url", context.configuration.publicBaseURL + Self.billPathPrefix + token)]
    }

    /// `GET /alipay/bill/<token>`: the bill's zip while the URL is valid (its token is its only credential).
    func handleBillDownload(token: Substring, now: Timestamp) -> HTTPResponse {
        guard let content = state.download(channel: .alipay, token: String(token), now: now) else {
            return SandboxContext.plain(404, "no such bill, or its URL expired")
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/zip")], body: content)
    }

    /// Alipay's bill URLs work for 30 seconds.
    static let billURLSeconds: Int64 = 30

    /// The merchant's Alipay partner id (2088…), which names the bill files; the sandbox derives
    /// one from the app id.
    var pid: String {
        "2088" + String(String(repeating: "0", count: 12) + keys.merchantAccountId.filter(\.isNumber)).suffix(12)
    }

    // MARK: answers

    static let success: Fields = [("code", "10000"), ("msg", "Success")]
    /// The sub_code of a refund that fails at Alipay (`refund_result` fault): the merchant's
    /// Alipay balance cannot cover it, a definite business failure.
    /// Precreate's `qr_code`, as Alipay hands it out (`https://qr.alipay.com/…`).
    static let qrCodePrefix = "https://qr.alipay.com/bax"

    static let refundFailureSubCode = "ACQ.SELLER_BALANCE_NOT_ENOUGH"

    /// `detail` is the `sub_msg` (the sub_code itself when nil).
    static func failure(_ code: String, _ subCode: String, _ detail: String? = nil) -> Fields {
        let message =
            ["40002": "Invalid Arguments", "40004": "Business Failed", "20000": "Service Currently Unavailable"][code] ?? "Failed"
        return [("code", code), ("msg", message), ("sub_code", subCode), ("sub_msg", detail ?? subCode)]
    }

    /// A value over one of Alipay's limits: a business failure (40004) that says which.
    static func failure(_ refusal: LimitRefusal) -> Fields {
        failure("40004", refusal.code ?? AlipayLimits.invalidParameter, refusal.message)
    }

    static func tradeStatus(_ order: SandboxOrder) -> String {
        switch order.status {
        case .awaitingPayment: "WAIT_BUYER_PAY"
        case .paid: "TRADE_SUCCESS"
        case .failed, .closed: "TRADE_CLOSED"
        }
    }

    /// `{"<method>_response":{...},"sign":"..."}` with the signature over the member's exact text.
    func answer(_ method: String, _ fields: Fields) -> HTTPResponse {
        var writer = JSONWriter(reservingCapacity: 512)
        writer.objectOpen()
        for (name, value) in fields { writer.member(name, value) }
        writer.objectClose()
        let member = method.split(separator: ".").joined(separator: "_") + "_response"
        let body = Array("{\"\(member)\":".utf8) + writer.bytes + Array(",\"sign\":\"\(keys.sign(writer.bytes))\"}".utf8)
        return HTTPResponse.json(status: 200, body: body)
    }

    /// A request Alipay cannot even attribute to a method: the unsigned `error_response`.
    func errorResponse() -> HTTPResponse {
        HTTPResponse.json(
            status: 200,
            body: Array(
                #"{"error_response":{"code":"40001","msg":"Missing Required Arguments","sub_code":"isv.missing-method","sub_msg":"isv.missing-method"}}"#
                    .utf8))
    }
}
