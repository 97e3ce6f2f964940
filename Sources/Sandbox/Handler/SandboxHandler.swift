import Glibc
import PaygateCore

/// Serves the three channels' APIs, the payer and the control endpoints on one pool thread.
/// Handlers are per thread; everything they share is in `SandboxState`.
///
/// URL layout (all under the sandbox's public base URL):
/// - `POST|GET /alipay/gateway.do` (each layout of `AlipayRequestForm`), `GET /alipay/bill/<token>`: Alipay.
/// - `/wechatpay/v3/...`: WeChat Pay API v3 (the connector's base URL is `<base>/wechatpay`).
/// - `POST /unionpay/gateway/api/{backTransReq,queryTrans,fileTransfer}.do`: UnionPay.
/// - `POST /pay/<channel>/<token>` with `result=success|fail`: the payer (GET shows the order).
/// - `GET|POST /sandbox/faults`, `GET /sandbox/callbacks`, `GET /sandbox/health`: control.
public final class SandboxHandler: RequestHandler {
    let context: SandboxContext
    let alipay: AlipaySide
    let weChatPay: WeChatPaySide
    let unionPay: UnionPaySide
    let log: Log

    public init(configuration: SandboxConfiguration, state: SandboxState, log: Log) {
        context = SandboxContext(configuration: configuration, state: state)
        alipay = AlipaySide(context: context)
        weChatPay = WeChatPaySide(context: context)
        unionPay = UnionPaySide(context: context)
        self.log = log
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        if path.hasPrefix("/sandbox/") { return control(request) }
        if path.hasPrefix("/pay/") { return Payer(context: context, log: log).handle(request, now: context.configuration.clock()) }
        guard let channel = Self.channel(of: path) else { return SandboxContext.plain(404, "no such sandbox endpoint") }
        let faults = context.state.faults
        let misbehaves = faults.applies(to: channel)
        if misbehaves, faults.latencyMilliseconds > 0 { Self.sleep(milliseconds: faults.latencyMilliseconds) }
        if misbehaves, faults.status5xx != 0 {
            log.info("fault: \(channel.rawValue) answered \(faults.status5xx)", requestId: request.requestId)
            return SandboxContext.plain(faults.status5xx, "sandbox fault: service unavailable")
        }
        let response = serve(channel, request, now: context.configuration.clock())
        if misbehaves, faults.timeoutMilliseconds > 0 {
            log.info("fault: \(channel.rawValue) answer held \(faults.timeoutMilliseconds) ms", requestId: request.requestId)
            Self.sleep(milliseconds: faults.timeoutMilliseconds)
        }
        return response
    }

    private func serve(_ channel: Channel, _ request: HTTPRequest, now: Timestamp) -> HTTPResponse {
        switch channel {
        case .alipay:
            if request.path == AlipaySide.gatewayPath { return alipay.handleGateway(request, now: now) }
            guard request.method == "GET" else { return SandboxContext.plain(405, "GET only") }
            return alipay.handleBillDownload(token: request.path.dropFirst(AlipaySide.billPathPrefix.count), now: now)
        case .wechatpay:
            return weChatPay.handle(request, now: now)
        case .unionpay:
            return unionPay.handle(request, now: now)
        }
    }

    static func channel(of path: Substring) -> Channel? {
        if path == AlipaySide.gatewayPath || path.hasPrefix(AlipaySide.billPathPrefix) { return .alipay }
        if path.hasPrefix(WeChatPaySide.pathPrefix + "/v3/") { return .wechatpay }
        if path.hasPrefix(UnionPaySide.pathPrefix + "/") { return .unionpay }
        return nil
    }

    // MARK: control

    private func control(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/sandbox/health"):
            return .json(status: 200, body: Array(#"{"status":"ok"}"#.utf8))
        case ("GET", "/sandbox/faults"):
            return .json(status: 200, body: context.state.faults.json)
        case ("POST", "/sandbox/faults"):
            do {
                let faults = try SandboxFaults.parse(request.body)
                context.state.setFaults(faults)
                log.info("faults set: \(String(decoding: faults.json, as: UTF8.self))", requestId: request.requestId)
                return .json(status: 200, body: faults.json)
            } catch {
                let detail =
                    switch error {
                    case .notAnObject: "the body is not a JSON object"
                    case .badMember(let name): "member \(name) is unknown or out of range"
                    }
                return .json(status: 400, body: Array("{\"error\":\"\(detail)\"}".utf8))
            }
        case ("GET", "/sandbox/callbacks"):
            return .json(status: 200, body: Self.callbackListing(context.state.queuedCallbacks))
        default:
            return SandboxContext.plain(404, "no such sandbox endpoint")
        }
    }

    /// The callbacks still owed (waiting for their first attempt or a retry), for tests and people.
    static func callbackListing(_ callbacks: [QueuedCallback]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectOpen()
        writer.key("callbacks")
        writer.arrayOpen()
        for callback in callbacks {
            writer.objectOpen()
            writer.member("id", Int(callback.id))
            writer.member("channel", callback.message.channel.rawValue)
            writer.member("kind", callback.message.kind.rawValue)
            writer.member("subject", callback.message.subject)
            writer.member("url", callback.message.url)
            writer.member("attempts", callback.attempts)
            writer.member("due_at", callback.dueAt.rfc3339Milliseconds)
            writer.objectClose()
        }
        writer.arrayClose()
        writer.objectClose()
        return writer.bytes
    }

    static func sleep(milliseconds: Int) {
        var remaining = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var rest = timespec()
        while nanosleep(&remaining, &rest) != 0, errno == EINTR { remaining = rest }
    }
}
