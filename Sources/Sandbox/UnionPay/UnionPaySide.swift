import PaygateCore
import PaygateCrypto

/// UnionPay's online gateway (5.1.0), from UnionPay's side, under `/unionpay/gateway/api`:
/// form posts signed by the merchant's certificate (certId; RSA over the hex SHA-256 of the
/// sorted `k=v&…` text), answered as raw `k=v&…` signed by UnionPay's certificate.
struct UnionPaySide: Sendable {
    static let pathPrefix = "/unionpay/gateway/api"
    /// The QR code apply's `qrCode`, as UnionPay hands it out (`https://qr.95516.com/…`). The
    /// sandbox also names its payer page in `sandboxPayUrl`, which UnionPay does not send.
    static let qrCodePrefix = "https://qr.95516.com/00010000/"

    /// The respCode values the sandbox answers. UnionPay's list is long; these are the ones a
    /// merchant must tell apart.
    enum Code {
        static let success = "00"
        /// The payer's payment failed (callback respCode, query origRespCode).
        static let failed = "01"
        /// Try again later: never a definite answer.
        static let busy = "03"
        /// Waiting for the payer (query origRespCode).
        static let pending = "05"
        static let formatError = "10"
        static let signatureError = "11"
        static let duplicate = "12"
        static let notFound = "34"
        /// The original transaction of a refund is unknown or not paid.
        static let originalNotFound = "35"
        /// Refunds would exceed what was paid.
        static let amountExceeded = "36"
        /// A refund that fails (the `refund_result` fault): the notice's respCode and the
        /// query's origRespCode, "transaction failed" as for a failed payment.
        static let refundFailed = "01"
        /// The file transfer's "no file for that day".
        static let noFile = "98"
    }

    let context: SandboxContext
    var keys: SandboxChannelKeys { context.configuration.unionpay }
    var state: SandboxState { context.state }

    func handle(_ request: HTTPRequest, now: Timestamp) -> HTTPResponse {
        if request.path.dropFirst(Self.pathPrefix.count) == Self.frontTransactionPath { return front(request, now: now) }
        guard request.method == "POST", let form = WireForm.decoding(urlEncoded: request.body) else {
            return answer(WireForm([("respCode", Code.formatError), ("respMsg", "unreadable request")]))
        }
        guard form["merId"] == keys.merchantAccountId, let certId = form["certId"],
            let signature = form["signature"].flatMap(Base64.decode),
            keys.merchantSigned(signature, UnionPayCallbacks.signedMessage(form), keyId: certId)
        else {
            return answer(echo(form) + [("respCode", Code.signatureError), ("respMsg", "signature verification failed")])
        }
        switch (request.path.dropFirst(Self.pathPrefix.count), form["txnType"]) {
        case ("/backTransReq.do", "01"): return answer(echo(form) + qrApply(form, now: now))
        case ("/backTransReq.do", "04"):
            let result = refund(form, now: now)
            return answer(echo(misdirectedRefund(form, now: now)) + result)
        case ("/queryTrans.do", "00"):
            if let refusal = UnionPayLimits.orderId(form["orderId"] ?? "") { return answer(echo(form) + Self.refusal(refusal)) }
            let asked = queriedForm(form, now: now)
            return answer(echo(asked) + query(asked, now: now))
        case ("/fileTransfer.do", "76"): return answer(echo(form) + fileTransfer(form, now: now))
        default: return answer(echo(form) + [("respCode", Code.formatError), ("respMsg", "unsupported txnType for this URL")])
        }
    }

    private func qrApply(_ form: WireForm, now: Timestamp) -> [(String, String)] {
        guard let orderId = form["orderId"], let txnTime = form["txnTime"], form["txnAmt"] != nil, form["currencyCode"] == "156",
            let backURL = form["backUrl"]
        else {
            return [("respCode", Code.formatError), ("respMsg", "a required field is missing or malformed")]
        }
        let amount: Money
        do { amount = try UnionPayLimits.transaction(form) } catch { return Self.refusal(error) }
        let order = SandboxOrder(
            channel: .unionpay, outTradeNo: orderId, amount: amount, subject: "",
            expiresAt: form["payTimeout"].flatMap(ChannelTime.parseCompact),
            notifyURL: backURL, token: SandboxState.randomToken(), createdAt: now, orderTime: txnTime, appId: "",
            channelTransactionId: queryId(now))
        switch state.create(order) {
        case .created(let created), .repeated(let created):
            return [
                ("respCode", Code.success), ("respMsg", "success"), ("qrCode", Self.qrCodePrefix + created.token),
                ("sandboxPayUrl", context.payURL(.unionpay, token: created.token)),
            ]
        case .conflict: return [("respCode", Code.duplicate), ("respMsg", "duplicate transaction")]
        case .full: return [("respCode", Code.busy), ("respMsg", "system busy")]
        }
    }

    private func refund(_ form: WireForm, now: Timestamp) -> [(String, String)] {
        guard let refundId = form["orderId"], let txnTime = form["txnTime"], let originalId = form["origQryId"], form["txnAmt"] != nil
        else {
            return [("respCode", Code.formatError), ("respMsg", "a required field is missing or malformed")]
        }
        let amount: Money
        do { amount = try UnionPayLimits.transaction(form) } catch { return Self.refusal(error) }
        guard let order = state.order(channel: .unionpay, transactionId: originalId, now: now) else {
            return [("respCode", Code.originalNotFound), ("respMsg", "original transaction not found")]
        }
        let outcome = state.refund(
            channel: .unionpay, order: RecordKey(channel: .unionpay, number: order.outTradeNo), refundId: refundId, amount: amount,
            notifyURL: form["backUrl"] ?? "", orderTime: txnTime, channelRefundId: queryId(now), failureCode: Code.refundFailed, now: now,
            callback: { refund, order in UnionPayCallbacks.refundNotice(refund, order, keys: keys) })
        switch outcome {
        case .created(let refund, _), .repeated(let refund, _):
            // Accepted whatever the outcome: UnionPay tells a refund's result by notice and query.
            return [("respCode", Code.success), ("respMsg", "accepted"), ("queryId", refund.channelRefundId)]
        case .orderNotFound, .orderNotPaid: return [("respCode", Code.originalNotFound), ("respMsg", "original transaction not paid")]
        case .exceedsPaidAmount: return [("respCode", Code.amountExceeded), ("respMsg", "refund amount exceeded")]
        case .conflict: return [("respCode", Code.duplicate), ("respMsg", "duplicate transaction")]
        case .full: return [("respCode", Code.busy), ("respMsg", "system busy")]
        }
    }

    /// A refund request as its answer echoes it: about another refund (its orderId, txnTime,
    /// txnAmt and original transaction) under the `misdirected_refund` fault.
    private func misdirectedRefund(_ form: WireForm, now: Timestamp) -> WireForm {
        guard let other = state.misdirectedRefund(for: form["orderId"] ?? "", on: .unionpay, now: now) else { return form }
        return form.replacing("orderId", with: other.refund.refundId).replacing("txnTime", with: other.refund.orderTime)
            .replacing("txnAmt", with: String(other.refund.amount.minorUnits))
            .replacing("origQryId", with: other.order.channelTransactionId)
    }

    /// A query as the sandbox answers it: a payment query about another order (its orderId and
    /// txnTime) under the `misdirected_query` fault, a refund query about another refund under
    /// `misdirected_refund`.
    private func queriedForm(_ form: WireForm, now: Timestamp) -> WireForm {
        let asked = form["orderId"] ?? ""
        if let other = state.misdirectedRefund(for: asked, on: .unionpay, now: now),
            state.refund(channel: .unionpay, refundId: asked) != nil
        {
            return form.replacing("orderId", with: other.refund.refundId).replacing("txnTime", with: other.refund.orderTime)
        }
        let number = state.faults.queriedOrder(asked, on: .unionpay)
        guard number != asked, state.refund(channel: .unionpay, refundId: asked) == nil else { return form }
        let orderTime = state.order(channel: .unionpay, outTradeNo: number, now: now)?.orderTime ?? form["txnTime"] ?? ""
        return form.replacing("orderId", with: number).replacing("txnTime", with: orderTime)
    }

    /// One query URL for payments and refunds: the transaction named by orderId plus txnTime.
    private func query(_ form: WireForm, now: Timestamp) -> [(String, String)] {
        let orderId = form["orderId"] ?? ""
        let txnTime = form["txnTime"] ?? ""
        if let order = state.order(channel: .unionpay, outTradeNo: orderId, now: now), order.orderTime == txnTime {
            switch order.status {
            case .paid:
                guard let paid = order.paidAmount, let paidAt = order.paidAt else { break }
                return [
                    ("respCode", Code.success), ("respMsg", "ok"), ("origRespCode", Code.success), ("origRespMsg", "success"),
                    ("queryId", order.channelTransactionId), ("txnAmt", String(paid.minorUnits)), ("currencyCode", "156"),
                ]
                    + Self.trace(paidAt)
            case .failed:
                return [("respCode", Code.success), ("respMsg", "ok"), ("origRespCode", Code.failed), ("origRespMsg", "payment failed")]
            case .awaitingPayment, .closed:
                // UnionPay has no closed state: an unpaid order stays pending until its payTimeout.
                return [("respCode", Code.success), ("respMsg", "ok"), ("origRespCode", Code.pending), ("origRespMsg", "awaiting payment")]
            }
        }
        if let refund = state.refund(channel: .unionpay, refundId: orderId), refund.orderTime == txnTime {
            if let failureCode = refund.failureCode {
                return [
                    ("respCode", Code.success), ("respMsg", "ok"), ("origRespCode", failureCode), ("origRespMsg", "refund failed"),
                    ("queryId", refund.channelRefundId), ("txnAmt", String(refund.amount.minorUnits)), ("currencyCode", "156"),
                ]
            }
            return [
                ("respCode", Code.success), ("respMsg", "ok"), ("origRespCode", Code.success), ("origRespMsg", "success"),
                ("queryId", refund.channelRefundId), ("txnAmt", String(refund.amount.minorUnits)), ("currencyCode", "156"),
            ]
        }
        return [("respCode", Code.notFound), ("respMsg", "no such transaction")]
    }

    /// The transaction file of `settleDate` (MMdd, this year in China): respCode 98 when the
    /// day has none.
    private func fileTransfer(_ form: WireForm, now: Timestamp) -> [(String, String)] {
        guard let settleDate = form["settleDate"], settleDate.utf8.count == 4, settleDate.allSatisfy(\.isNumber), form["fileType"] == "00"
        else {
            return [("respCode", Code.formatError), ("respMsg", "settleDate must be MMdd and fileType 00")]
        }
        let day = String(ChannelTime.day(now).prefix(5)) + settleDate.prefix(2) + "-" + settleDate.suffix(2)
        let lines = SandboxStatement.lines(state, channel: .unionpay, day: day)
        let badFile = state.faults.statement.flatMap { $0.channel == .unionpay && $0.day == day ? $0.badFile : nil }
        guard let (fileName, content) = UnionPayBill.answer(lines, merchantId: keys.merchantAccountId, day: day, now: now, badFile: badFile)
        else {
            return [("respCode", Code.noFile), ("respMsg", "no file for that day"), ("settleDate", settleDate)]
        }
        return [
            ("respCode", Code.success), ("respMsg", "ok"), ("settleDate", settleDate), ("fileName", fileName), ("fileContent", content),
        ]
    }

    // MARK: answers

    /// A field over one of UnionPay's limits: respCode 10, "message format error", saying which.
    static func refusal(_ refusal: LimitRefusal) -> [(String, String)] {
        [("respCode", Code.formatError), ("respMsg", refusal.message)]
    }

    /// A 21-digit queryId, unique in this process.
    private func queryId(_ now: Timestamp) -> String {
        ChannelTime.compact(now) + String(10_000_000 + state.nextSerial() % 9_000_000).suffix(7)
    }

    static func trace(_ paidAt: Timestamp) -> [(String, String)] {
        let compact = ChannelTime.compact(paidAt)
        return [
            ("settleDate", String(compact.dropFirst(4).prefix(4))), ("traceNo", String(compact.suffix(6))),
            ("traceTime", String(compact.dropFirst(4))),
        ]
    }

    /// The request's identifying fields, echoed in the answer as UnionPay does.
    private func echo(_ form: WireForm) -> [(String, String)] {
        [
            "version", "encoding", "signMethod", "accessType", "merId", "bizType", "txnType", "txnSubType", "orderId", "txnTime", "txnAmt",
            "origQryId",
        ]
        .compactMap { name in form[name].map { (name, $0) } }
    }

    private func answer(_ fields: [(String, String)]) -> HTTPResponse {
        answer(WireForm(fields.map { (name: $0.0, value: $0.1) }))
    }

    private func answer(_ form: WireForm) -> HTTPResponse {
        let signed = UnionPayCallbacks.signed(form, keys: keys)
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; charset=UTF-8")], body: Array(signed.raw.utf8))
    }
}
