import PaygateCore
import PaygateCrypto

/// `POST frontTransReq.do`: the payer's browser posting the front-end consume form paygate hands
/// the merchant (`channel_payload.form`). It is checked as UnionPay checks it: our merchant, a
/// certId of ours and the signature over exactly the posted fields, a browser consume (txnType
/// 01, txnSubType 01, bizType 000201, channelType 07) in CNY, naming a transaction the sandbox
/// holds (orderId plus txnTime, with its amount: the QR code apply every create makes first).
/// Accepted, the browser is sent on to that order's payer page (303), where `result=success` pays
/// it. A refusal is a plain page with the reason, as a browser would show it.
extension UnionPaySide {
    static let frontTransactionPath = "/frontTransReq.do"

    func front(_ request: HTTPRequest, now: Timestamp) -> HTTPResponse {
        guard request.method == "POST", let form = WireForm.decoding(urlEncoded: request.body) else {
            return SandboxContext.plain(400, "the front-end form must be POSTed, form-encoded, each field once")
        }
        guard form["merId"] == keys.merchantAccountId, let certId = form["certId"],
            let signature = form["signature"].flatMap(Base64.decode),
            keys.merchantSigned(signature, UnionPayCallbacks.signedMessage(form), keyId: certId)
        else {
            return SandboxContext.plain(403, "respCode 11: signature verification failed")
        }
        guard form["txnType"] == "01", form["txnSubType"] == "01", form["bizType"] == "000201", form["channelType"] == "07",
            form["currencyCode"] == "156", form["version"] == "5.1.0", form["backUrl"].map({ !$0.isEmpty }) == true
        else {
            return SandboxContext.plain(400, "respCode 10: not a front-end consume of this gateway")
        }
        guard let orderId = form["orderId"], let order = state.order(channel: .unionpay, outTradeNo: orderId, now: now),
            order.orderTime == form["txnTime"], form["txnAmt"] == String(order.amount.minorUnits)
        else {
            return SandboxContext.plain(404, "respCode 34: no such transaction (orderId, txnTime and txnAmt must name one)")
        }
        return HTTPResponse(status: 303, headers: [("Location", context.payURL(.unionpay, token: order.token))], body: [])
    }
}
