import PaygateCore
import PaygateCrypto

/// The WeChat Pay v3 APIs the connector calls: Native prepay, query, close, refund, refund
/// query and the trade bill. Amounts are integer fen.
extension WeChatPaySide {
    /// Native's QR content, as WeChat Pay hands it out (`weixin://wxpay/bizpayurl?pr=…`). The
    /// sandbox also names its payer page in `sandbox_pay_url`, which WeChat Pay does not send.
    static let codeURLPrefix = "weixin://wxpay/bizpayurl?pr="

    /// WeChat Pay v3's limit on `description`, in bytes of UTF-8.
    static let descriptionBytesMax = 127

    func native(_ body: [UInt8], now: Timestamp) -> HTTPResponse {
        guard let content = JSONValue.object(body), let appId = content.text("appid"), let merchantId = content.text("mchid"),
            let outTradeNo = content.text("out_trade_no"), let subject = content.text("description"),
            let notifyURL = content.text("notify_url"), let amount = content["amount"], (amount.text("currency") ?? "CNY") == "CNY"
        else {
            return Self.error(self, 400, "PARAM_ERROR", "a required field is missing or malformed", now: now)
        }
        guard merchantId == keys.merchantAccountId else { return Self.error(self, 400, "MCH_NOT_EXISTS", "mchid does not match", now: now) }
        let total: Int64
        do { total = try WeChatPayLimits.native(content, outTradeNo: outTradeNo, notifyURL: notifyURL) } catch {
            return Self.error(self, error, now: now)
        }
        // WeChat Pay's own limit on what the payer sees: a longer description is refused.
        guard subject.utf8.count <= Self.descriptionBytesMax else {
            return Self.error(self, 400, "PARAM_ERROR", "description is longer than 127 bytes", now: now)
        }
        let expiresAt = content.text("time_expire").flatMap(ChannelTime.parseRFC3339)
        let order = SandboxOrder(
            channel: .wechatpay, outTradeNo: outTradeNo, amount: Money(minorUnits: total, currency: .cny), subject: subject,
            expiresAt: expiresAt, notifyURL: notifyURL, token: SandboxState.randomToken(), createdAt: now, orderTime: "", appId: appId,
            channelTransactionId: "42000" + String(ChannelTime.compact(now).prefix(8)) + String(100_000_000_000_000 + state.nextSerial()))
        switch state.create(order) {
        case .created(let created), .repeated(let created):
            return answer(200, now: now) { writer in
                writer.member("code_url", Self.codeURLPrefix + created.token)
                writer.member("sandbox_pay_url", context.payURL(.wechatpay, token: created.token))
            }
        case .conflict: return Self.error(self, 403, "OUT_TRADE_NO_USED", "out_trade_no is taken by another order", now: now)
        case .full: return Self.error(self, 500, "SYSTEM_ERROR", "the sandbox holds too many orders", now: now)
        }
    }

    func queryOrder(_ outTradeNo: String, merchantId: String?, now: Timestamp) -> HTTPResponse {
        guard merchantId == keys.merchantAccountId else { return Self.error(self, 400, "PARAM_ERROR", "mchid does not match", now: now) }
        if let refusal = WeChatPayLimits.outTradeNo(outTradeNo) { return Self.error(self, refusal, now: now) }
        guard let order = state.order(channel: .wechatpay, outTradeNo: state.faults.queriedOrder(outTradeNo, on: .wechatpay), now: now)
        else {
            return Self.error(self, 404, "ORDER_NOT_EXIST", "no such order", now: now)
        }
        return answer(200, now: now) { writer in
            writer.member("appid", order.appId)
            writer.member("mchid", keys.merchantAccountId)
            writer.member("out_trade_no", order.outTradeNo)
            if order.status == .paid { writer.member("transaction_id", order.channelTransactionId) }
            writer.member("trade_type", "NATIVE")
            writer.member("trade_state", Self.tradeState(order))
            writer.member("trade_state_desc", Self.tradeState(order).lowercased())
            if let paidAt = order.paidAt {
                writer.member("bank_type", "OTHERS")
                writer.member("success_time", ChannelTime.rfc3339(paidAt))
                writer.key("payer")
                writer.objectOpen()
                writer.member("openid", "o-sandbox-payer")
                writer.objectClose()
            }
            Self.writeAmount(&writer, total: order.paidAmount ?? order.amount, payer: order.paidAmount)
        }
    }

    func close(_ outTradeNo: String, body: [UInt8], now: Timestamp) -> HTTPResponse {
        guard JSONValue.object(body)?.text("mchid") == keys.merchantAccountId else {
            return Self.error(self, 400, "PARAM_ERROR", "mchid does not match", now: now)
        }
        if let refusal = WeChatPayLimits.outTradeNo(outTradeNo) { return Self.error(self, refusal, now: now) }
        switch state.close(channel: .wechatpay, outTradeNo: outTradeNo, now: now) {
        case .closed: return answer(204, [], now: now)
        case .alreadyPaid: return Self.error(self, 400, "ORDERPAID", "the order is paid", now: now)
        case .notFound: return Self.error(self, 404, "ORDER_NOT_EXIST", "no such order", now: now)
        }
    }

    /// The refund is accepted as PROCESSING; the REFUND.SUCCESS callback and the refund query
    /// then say it succeeded (the sandbox settles at once). With the `refund_result` fault the
    /// callback is REFUND.ABNORMAL and the query says ABNORMAL (the refund could not reach the
    /// payer): accepted first, failed later, as WeChat Pay does it.
    func refund(_ body: [UInt8], now: Timestamp) -> HTTPResponse {
        guard let content = JSONValue.object(body), let outTradeNo = content.text("out_trade_no"),
            let refundId = content.text("out_refund_no"), let amount = content["amount"], (amount.text("currency") ?? "CNY") == "CNY"
        else {
            return Self.error(self, 400, "PARAM_ERROR", "a required field is missing or malformed", now: now)
        }
        let refundFen: Int64
        let totalFen: Int64
        do { (refundFen, totalFen) = try WeChatPayLimits.refund(content, outTradeNo: outTradeNo, outRefundNo: refundId) } catch {
            return Self.error(self, error, now: now)
        }
        let key = RecordKey(channel: .wechatpay, number: outTradeNo)
        if let order = state.order(channel: .wechatpay, outTradeNo: outTradeNo, now: now), order.amount.minorUnits != totalFen {
            return Self.error(self, 400, "PARAM_ERROR", "amount.total is not the order's total", now: now)
        }
        let outcome = state.refund(
            channel: .wechatpay, order: key, refundId: refundId, amount: Money(minorUnits: refundFen, currency: .cny),
            notifyURL: content.text("notify_url") ?? "", orderTime: "",
            channelRefundId: "50" + String(ChannelTime.compact(now).prefix(8)) + String(1_000_000_000_000_000_000 + state.nextSerial()),
            failureCode: Self.refundFailureStatus, now: now,
            callback: { refund, order in WeChatPayCallbacks.refundNotice(refund, order, keys: keys) })
        switch outcome {
        case .created(let refund, let order):
            if let other = state.misdirectedRefund(for: refundId, on: .wechatpay, now: now) {
                return refundAnswer(other.refund, other.order, status: "PROCESSING", now: now)
            }
            return refundAnswer(refund, order, status: "PROCESSING", now: now)
        case .repeated(let refund, let order):
            let (shown, shownOrder) = state.misdirectedRefund(for: refundId, on: .wechatpay, now: now) ?? (refund, order)
            return refundAnswer(shown, shownOrder, status: Self.refundStatus(shown), now: now)
        case .orderNotFound: return Self.error(self, 404, "RESOURCE_NOT_EXISTS", "no such order", now: now)
        case .orderNotPaid: return Self.error(self, 400, "INVALID_REQUEST", "the order is not paid", now: now)
        case .exceedsPaidAmount: return Self.error(self, 400, "INVALID_REQUEST", "refunds would exceed the paid amount", now: now)
        case .conflict: return Self.error(self, 400, "INVALID_REQUEST", "out_refund_no is taken by another refund", now: now)
        case .full: return Self.error(self, 500, "SYSTEM_ERROR", "the sandbox holds too many refunds", now: now)
        }
    }

    func queryRefund(_ refundId: String, now: Timestamp) -> HTTPResponse {
        if let refusal = WeChatPayLimits.outRefundNo(refundId) { return Self.error(self, refusal, now: now) }
        guard let refund = state.refund(channel: .wechatpay, refundId: refundId),
            let order = state.order(channel: .wechatpay, outTradeNo: refund.outTradeNo, now: now)
        else {
            return Self.error(self, 404, "RESOURCE_NOT_EXISTS", "no such refund", now: now)
        }
        let (shown, shownOrder) = state.misdirectedRefund(for: refundId, on: .wechatpay, now: now) ?? (refund, order)
        return refundAnswer(shown, shownOrder, status: Self.refundStatus(shown), now: now)
    }

    /// The `status` of a settled refund: SUCCESS, or its failure status (ABNORMAL).
    static func refundStatus(_ refund: SandboxRefund) -> String {
        refund.failureCode ?? "SUCCESS"
    }

    /// What a refund that fails (the `refund_result` fault) ends as: ABNORMAL, WeChat Pay's
    /// "the money could not be returned to the payer's account".
    static let refundFailureStatus = "ABNORMAL"

    private func refundAnswer(_ refund: SandboxRefund, _ order: SandboxOrder, status: String, now: Timestamp) -> HTTPResponse {
        answer(200, now: now) { writer in
            writer.member("refund_id", refund.channelRefundId)
            writer.member("out_refund_no", refund.refundId)
            writer.member("transaction_id", order.channelTransactionId)
            writer.member("out_trade_no", order.outTradeNo)
            writer.member("channel", "ORIGINAL")
            writer.member("user_received_account", "sandbox balance")
            writer.member("create_time", ChannelTime.rfc3339(refund.createdAt))
            if status == "SUCCESS" { writer.member("success_time", ChannelTime.rfc3339(refund.createdAt)) }
            writer.member("status", status)
            writer.key("amount")
            writer.objectOpen()
            writer.member("refund", Int(refund.amount.minorUnits))
            writer.member("total", Int(order.amount.minorUnits))
            writer.member("payer_refund", Int(refund.amount.minorUnits))
            writer.member("payer_total", Int((order.paidAmount ?? order.amount).minorUnits))
            writer.member("currency", "CNY")
            writer.objectClose()
        }
    }

    /// The bill is made now and fetched from `download_url` (on the API host, signed request).
    /// WeChat Pay's bill download URLs work for 5 minutes.
    static let billURLSeconds: Int64 = 300

    /// A day with nothing to list is WeChat Pay's 400 NO_STATEMENT_EXIST.
    func tradeBill(day: String, type: String, tarType: String?, now: Timestamp) -> HTTPResponse {
        guard day.utf8.count == 10, ChannelTime.parseDateTime(day + " 00:00:00") != nil, type == "ALL", tarType == nil || tarType == "GZIP"
        else {
            return Self.error(self, 400, "PARAM_ERROR", "bill_date must be yyyy-MM-dd, bill_type ALL, tar_type GZIP or none", now: now)
        }
        let lines = SandboxStatement.lines(state, channel: .wechatpay, day: day)
        let badFile = state.faults.statement.flatMap { $0.channel == .wechatpay && $0.day == day ? $0.badFile : nil }
        guard !lines.isEmpty || badFile != nil else { return Self.error(self, 400, "NO_STATEMENT_EXIST", "no bill for that day", now: now) }
        let file = WeChatPayBill.file(lines, merchantId: keys.merchantAccountId, badFile: badFile)
        let served = WeChatPayBill.served(file, gzip: tarType == "GZIP", badFile: badFile)
        guard let token = state.registerDownload(channel: .wechatpay, content: served.content, validSeconds: Self.billURLSeconds, now: now)
        else {
            return Self.error(self, 500, "SYSTEM_ERROR", "too many bills outstanding", now: now)
        }
        return answer(200, now: now) { writer in
            writer.member("hash_type", "SHA1")
            writer.member("hash_value", served.sha1Hex)
            writer.member("download_url", context.configuration.publicBaseURL + Self.pathPrefix + "/v3/billdownload/file?token=" + token)
        }
    }

    static func tradeState(_ order: SandboxOrder) -> String {
        switch order.status {
        case .awaitingPayment: "NOTPAY"
        case .paid: order.refundedAmount.minorUnits > 0 ? "REFUND" : "SUCCESS"
        case .failed: "PAYERROR"
        case .closed: "CLOSED"
        }
    }

    /// `total` is what the channel says it took (the paid amount once paid).
    static func writeAmount(_ writer: inout JSONWriter, total: Money, payer: Money?) {
        writer.key("amount")
        writer.objectOpen()
        writer.member("total", Int(total.minorUnits))
        if let payer { writer.member("payer_total", Int(payer.minorUnits)) }
        writer.member("currency", "CNY")
        writer.member("payer_currency", "CNY")
        writer.objectClose()
    }
}
