import PaygateCore
import PaygateCrypto

/// WeChat Pay API v3, from WeChat Pay's side, under `/wechatpay`: every request must carry a
/// valid `Authorization: WECHATPAY2-SHA256-RSA2048 …` made with the merchant's key over
/// `METHOD\nURI\ntimestamp\nnonce\nbody\n` (URI as sent, after the base URL), and every answer,
/// errors included, is signed with the platform key over `timestamp\nnonce\nbody\n`.
struct WeChatPaySide: Sendable {
    static let pathPrefix = "/wechatpay"
    static let authorizationSchema = "WECHATPAY2-SHA256-RSA2048"
    /// A request signed further than this from the sandbox's clock is refused, as WeChat Pay does.
    static let clockSkewSecondsMax: Int64 = 300
    static let answerNonceCharacterCount = 32

    let context: SandboxContext
    var keys: SandboxChannelKeys { context.configuration.wechatpay }
    var state: SandboxState { context.state }

    func handle(_ request: HTTPRequest, now: Timestamp) -> HTTPResponse {
        if let refusal = authorizationRefusal(request, now: now) {
            return Self.error(self, 401, "SIGN_ERROR", refusal, now: now)
        }
        let path = request.path.dropFirst(Self.pathPrefix.count)
        let parts = path.split(separator: "/").map(String.init)
        let query = Dictionary(QueryString.pairs(request.query), uniquingKeysWith: { first, _ in first })
        let method = request.method
        let trade = ["v3", "pay", "transactions", "out-trade-no"]
        let refunds = ["v3", "refund", "domestic", "refunds"]
        if method == "POST", parts == ["v3", "pay", "transactions", "native"] { return native(request.body, now: now) }
        if method == "GET", parts.count == 5, Array(parts.prefix(4)) == trade {
            return queryOrder(parts[4], merchantId: query["mchid"], now: now)
        }
        if method == "POST", parts.count == 6, Array(parts.prefix(4)) == trade, parts[5] == "close" {
            return close(parts[4], body: request.body, now: now)
        }
        if method == "POST", parts == refunds { return refund(request.body, now: now) }
        if method == "GET", parts.count == 5, Array(parts.prefix(4)) == refunds {
            return queryRefund(QueryString.decode(Substring(parts[4])), now: now)
        }
        if method == "GET", parts == ["v3", "bill", "tradebill"] {
            return tradeBill(day: query["bill_date"] ?? "", type: query["bill_type"] ?? "ALL", tarType: query["tar_type"], now: now)
        }
        if method == "GET", parts == ["v3", "billdownload", "file"] {
            guard let content = state.download(channel: .wechatpay, token: query["token"] ?? "", now: now) else {
                return Self.error(self, 404, "RESOURCE_NOT_EXISTS", "no such bill", now: now)
            }
            // WeChat Pay does not sign the file itself; its hash was in the signed answer.
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: content)
        }
        return Self.error(self, 404, "NOT_FOUND", "no such API", now: now)
    }

    /// Why the request's Authorization does not hold, or nil when it does.
    private func authorizationRefusal(_ request: HTTPRequest, now: Timestamp) -> String? {
        guard let header = request.headers["authorization"], header.hasPrefix(Self.authorizationSchema + " ") else {
            return "Authorization missing or not \(Self.authorizationSchema)"
        }
        var parameters: [String: String] = [:]
        for part in header.dropFirst(Self.authorizationSchema.count + 1).split(separator: ",") {
            guard let equals = part.firstIndex(of: "=") else { return "Authorization unreadable" }
            let name = part[..<equals].trimmingCharacters
            let value = part[part.index(after: equals)...].trimmingCharacters
            guard value.count >= 2, value.first == "\"", value.last == "\"" else { return "Authorization unreadable" }
            parameters[String(name)] = String(value.dropFirst().dropLast())
        }
        guard let merchantId = parameters["mchid"], let nonce = parameters["nonce_str"], let timestamp = parameters["timestamp"],
            let serial = parameters["serial_no"], let signature = parameters["signature"].flatMap(Base64.decode)
        else {
            return "Authorization lacks a parameter"
        }
        guard merchantId == keys.merchantAccountId else { return "mchid is not a merchant of this sandbox" }
        guard timestamp.utf8.count <= 12, let seconds = Int64(timestamp), abs(seconds - now.secondsSinceEpoch) <= Self.clockSkewSecondsMax
        else {
            return "timestamp outside \(Self.clockSkewSecondsMax) s of the channel's clock"
        }
        let uri = String(request.requestURI.dropFirst(Self.pathPrefix.count))
        let message = Array((request.method + "\n" + uri + "\n" + timestamp + "\n" + nonce + "\n").utf8) + request.body + [0x0A]
        guard keys.merchantSigned(signature, message, keyId: serial, sameId: Self.sameSerial) else { return "signature does not verify" }
        return nil
    }

    /// Certificate serials are hex whose case and leading zeros vary between tools.
    static func sameSerial(_ left: String, _ right: String) -> Bool {
        func normal(_ text: String) -> String { String(text.uppercased().drop { $0 == "0" }) }
        return normal(left) == normal(right)
    }

    // MARK: answers

    /// A signed answer: the `Wechatpay-*` headers over `timestamp\nnonce\nbody\n`.
    func answer(_ status: Int, _ body: [UInt8], now: Timestamp) -> HTTPResponse {
        let timestamp = String(now.secondsSinceEpoch)
        let nonce = (try? SecureRandom.alphanumeric(Self.answerNonceCharacterCount)) ?? SandboxState.randomToken()
        let signature = keys.sign(Array((timestamp + "\n" + nonce + "\n").utf8) + body + [0x0A])
        var headers: [(name: String, value: String)] = [
            ("Wechatpay-Timestamp", timestamp), ("Wechatpay-Nonce", nonce), ("Wechatpay-Signature", signature),
            ("Wechatpay-Serial", keys.channelKeyId), ("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"), ("Request-ID", nonce),
        ]
        if !body.isEmpty { headers.append(("Content-Type", "application/json")) }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    func answer(_ status: Int, now: Timestamp, _ build: (inout JSONWriter) -> Void) -> HTTPResponse {
        var writer = JSONWriter(reservingCapacity: 512)
        writer.objectOpen()
        build(&writer)
        writer.objectClose()
        return answer(status, writer.bytes, now: now)
    }

    /// A value over one of WeChat Pay's limits: 400 PARAM_ERROR, whose message says which.
    static func error(_ side: WeChatPaySide, _ refusal: LimitRefusal, now: Timestamp) -> HTTPResponse {
        error(side, 400, "PARAM_ERROR", refusal.message, now: now)
    }

    /// WeChat Pay's error form: `{"code": "...", "message": "..."}`, signed like any answer.
    static func error(_ side: WeChatPaySide, _ status: Int, _ code: String, _ message: String, now: Timestamp) -> HTTPResponse {
        side.answer(status, now: now) { writer in
            writer.member("code", code)
            writer.member("message", message)
        }
    }
}

extension Substring {
    fileprivate var trimmingCharacters: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
