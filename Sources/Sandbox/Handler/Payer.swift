import PaygateCore

/// The payer behind a pay URL: `POST /pay/<channel>/<token>` with the form body `result=success`
/// or `result=fail` pays or fails the order, and the channel's signed callback is queued
/// (docs/API.md section 9). `GET` shows the order, so a person can see what a pay URL is for.
struct Payer {
    let context: SandboxContext
    let log: Log

    func handle(_ request: HTTPRequest, now: Timestamp) -> HTTPResponse {
        let parts = request.path.split(separator: "/")
        guard parts.count == 3, let channel = Channel(rawValue: String(parts[1])) else {
            return SandboxContext.plain(404, "no such pay URL")
        }
        let token = String(parts[2])
        switch request.method {
        case "GET":
            guard let order = context.state.order(token: token, now: now), order.channel == channel else {
                return SandboxContext.plain(404, "no such pay URL")
            }
            return .json(status: 200, body: Self.describe(order))
        case "POST":
            return pay(
                channel, token: token, form: QueryString.pairs(Substring(decoding: request.body, as: UTF8.self)), request: request, now: now
            )
        default:
            return SandboxContext.plain(405, "GET or POST")
        }
    }

    private func pay(_ channel: Channel, token: String, form: [(String, String)], request: HTTPRequest, now: Timestamp) -> HTTPResponse {
        let result = form.first { $0.0 == "result" }?.1
        guard result == "success" || result == "fail" else {
            return SandboxContext.plain(400, "the form body must be result=success or result=fail")
        }
        guard context.state.order(token: token, now: now)?.channel == channel else { return SandboxContext.plain(404, "no such pay URL") }
        let keys = context.configuration.keys(for: channel)
        let outcome = context.state.pay(token: token, success: result == "success", now: now) { order in
            switch channel {
            case .alipay: AlipayCallbacks.paymentNotice(order, keys: keys)
            case .wechatpay: WeChatPayCallbacks.paymentNotice(order, keys: keys)
            case .unionpay: UnionPayCallbacks.paymentNotice(order, keys: keys)
            }
        }
        switch outcome {
        case .paid(let order), .failed(let order):
            log.info("payer: \(channel.rawValue) \(order.outTradeNo) \(order.status.rawValue)", requestId: request.requestId)
            return .json(status: 200, body: Self.describe(order))
        case .notPayable(let order):
            return .json(status: 409, body: Self.describe(order))
        case .notFound:
            return SandboxContext.plain(404, "no such pay URL")
        }
    }

    static func describe(_ order: SandboxOrder) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectOpen()
        writer.member("channel", order.channel.rawValue)
        writer.member("out_trade_no", order.outTradeNo)
        writer.member("amount", order.amount.text)
        writer.member("currency", order.amount.currency.rawValue)
        writer.member("status", order.status.rawValue)
        writer.member("paid_amount", order.paidAmount?.text)
        writer.member("channel_transaction_id", order.status == .paid ? order.channelTransactionId : nil)
        writer.objectClose()
        return writer.bytes
    }
}
