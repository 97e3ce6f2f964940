import Channels
import Foundation
import HTTPClient
import PaygateCore
import PaygateCrypto
import Sandbox
import XCTest

/// One sandbox (state + handler) and the three REAL connectors configured against it, talking
/// in process: an `OutboundRequest` becomes the `HTTPRequest` the pool would hand the handler,
/// and the handler's `HTTPResponse` becomes the `ChannelResponse` a connector reads.
struct SandboxFixture {
    static let baseURL = "https://127.0.0.1:9443"
    static let callbackBase = "https://127.0.0.1:8443/callbacks/"
    static let alipayAppId = "2021000000000001"
    static let weChatPayMerchantId = "1900000109"
    static let weChatPayMerchantSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    static let weChatPayPlatformSerial = "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"
    static let unionPayMerchantId = "777290058110048"
    static let unionPayMerchantCertId = "69629715588"
    static let unionPayChannelCertId = "69042905377"
    /// TEST-ONLY APIv3 key (the one in ChannelsTests).
    static let apiV3Key = Secret(utf8: "0123456789abcdefghijklmnopqrstuv")

    let configuration: SandboxConfiguration
    let state = SandboxState()
    let handler: SandboxHandler

    init(
        retryScheduleMilliseconds: [Channel: [Int64]] = SandboxConfiguration.channelSchedules,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        let merchant = TestKeys.merchant.publicKey
        configuration = SandboxConfiguration(
            publicBaseURL: Self.baseURL,
            alipay: SandboxChannelKeys(
                channelPrivateKey: TestKeys.channelCurrent, channelKeyId: "", merchantAccountId: Self.alipayAppId,
                merchantKeys: [MerchantKey(id: "merchant", publicKey: merchant)]),
            wechatpay: SandboxChannelKeys(
                channelPrivateKey: TestKeys.channelCurrent, channelKeyId: Self.weChatPayPlatformSerial,
                merchantAccountId: Self.weChatPayMerchantId,
                merchantKeys: [MerchantKey(id: Self.weChatPayMerchantSerial, publicKey: merchant)]),
            weChatPayAPIv3Key: Self.apiV3Key,
            unionpay: SandboxChannelKeys(
                channelPrivateKey: TestKeys.channelCurrent, channelKeyId: Self.unionPayChannelCertId,
                merchantAccountId: Self.unionPayMerchantId,
                merchantKeys: [MerchantKey(id: Self.unionPayMerchantCertId, publicKey: merchant)]),
            retryScheduleMilliseconds: retryScheduleMilliseconds, clock: clock)
        handler = SandboxHandler(configuration: configuration, state: state, log: Log(component: "sandbox-test", minimum: .error))
    }

    /// A fresh order (or refund) number as paygate sends it: 32 lower-case hex digits, which every
    /// channel's limits allow.
    static func orderReference() -> String {
        (0..<2).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.map { String(repeating: "0", count: 16 - $0.count) + $0 }
            .joined()
    }

    // MARK: connectors

    static func alipay(signingWith key: RSAPrivateKey = TestKeys.merchant) -> AlipayConnector {
        AlipayConnector(
            account: AlipayAccount(
                appId: alipayAppId, gatewayURL: baseURL + "/alipay/gateway.do", privateKey: key,
                alipayKeys: VerificationKeySet(
                    style: .exact, keys: [VerificationKey(id: "alipay-sandbox", publicKey: TestKeys.channelCurrent.publicKey)])))
    }

    static func weChatPay(signingWith key: RSAPrivateKey = TestKeys.merchant) -> WeChatPayConnector {
        WeChatPayConnector(
            account: try! WeChatPayAccount(
                merchantId: weChatPayMerchantId, appId: "wxd678efh567hg6787", merchantCertificateSerial: weChatPayMerchantSerial,
                privateKey: key,
                platformKeys: VerificationKeySet(
                    style: .hexSerial, keys: [VerificationKey(id: weChatPayPlatformSerial, publicKey: TestKeys.channelCurrent.publicKey)]),
                apiV3Key: apiV3Key, baseURL: baseURL + "/wechatpay"))
    }

    static func unionPay(signingWith key: RSAPrivateKey = TestKeys.merchant) -> UnionPayConnector {
        UnionPayConnector(
            account: UnionPayAccount(
                merchantId: unionPayMerchantId, signingCertificateId: unionPayMerchantCertId, privateKey: key,
                verificationKeys: VerificationKeySet(
                    style: .exact, keys: [VerificationKey(id: unionPayChannelCertId, publicKey: TestKeys.channelCurrent.publicKey)]),
                baseURL: baseURL + "/unionpay/gateway/api"))
    }

    static func connector(_ channel: Channel, signingWith key: RSAPrivateKey = TestKeys.merchant) -> any ChannelConnector {
        switch channel {
        case .alipay: alipay(signingWith: key)
        case .wechatpay: weChatPay(signingWith: key)
        case .unionpay: unionPay(signingWith: key)
        }
    }

    // MARK: the wire, in process

    /// What the pool would hand the handler for `request`.
    static func httpRequest(_ request: OutboundRequest) -> HTTPRequest {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.lowercased()] = value }
        return HTTPRequest(method: request.method, requestURI: requestURI(request.url), headers: headers, body: request.body)
    }

    static func requestURI(_ url: String) -> String {
        precondition(url.hasPrefix(baseURL + "/"), "\(url) is not a sandbox URL")
        return String(url.dropFirst(baseURL.count))
    }

    func exchange(_ request: OutboundRequest) -> ChannelResponse {
        let response = handler.handle(Self.httpRequest(request))
        return ChannelResponse(
            status: response.status, headers: response.headers.map { ($0.name.lowercased(), $0.value) }, body: response.body)
    }

    // MARK: orders, the payer, callbacks

    /// A subject with non-ASCII text and, where the channel allows it, an ampersand (Alipay
    /// refuses `&` and `=`: ChannelTextRules).
    static func order(_ channel: Channel, amount: Int64 = 1230, expiresInSeconds: Int64 = 900, subject: String? = nil) -> PrepayOrder {
        let now = Timestamp.now()
        let id = PaymentId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: 7, random: UInt64.random(in: 1...UInt64.max))
        return PrepayOrder(
            paymentId: id, amount: Money(minorUnits: amount, currency: .cny),
            subject: subject ?? (channel == .alipay ? "Coffee 咖啡, cake" : "Coffee 咖啡 & cake"),
            expiresAt: now.adding(seconds: expiresInSeconds), callbackURL: callbackBase + channel.rawValue)
    }

    static func reference(_ order: PrepayOrder) -> ChannelPaymentReference {
        ChannelPaymentReference(paymentId: order.paymentId, amount: order.amount, expiresAt: order.expiresAt)
    }

    /// Prepays `order` and returns its pay URL (failing the test otherwise).
    func prepay(
        _ connector: any ChannelConnector, _ order: PrepayOrder, file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        try prepayPayload(connector, order, file: file, line: line).payURL
    }

    /// Prepays `order` and returns what the merchant gets (failing the test otherwise): its
    /// `pay_url` is the sandbox's payer page.
    func prepayPayload(
        _ connector: any ChannelConnector, _ order: PrepayOrder, file: StaticString = #filePath, line: UInt = #line
    ) throws -> ChannelPayload {
        let result = connector.prepayResult(exchange(try connector.prepayRequest(order, now: .now())), for: order)
        guard case .accepted(let payload) = result else {
            XCTFail("prepay: \(result)", file: file, line: line)
            throw UnexpectedAnswer()
        }
        let payURL = payload.payURL
        XCTAssertTrue(payURL.hasPrefix(Self.baseURL + "/pay/" + connector.channel.rawValue + "/"), payURL, file: file, line: line)
        return payload
    }

    /// Plays the payer: `POST <pay_url>` with `result=<result>`.
    @discardableResult
    func pay(_ payURL: String, result: String) -> HTTPResponse {
        handler.handle(
            HTTPRequest(
                method: "POST", requestURI: Self.requestURI(payURL),
                headers: ["content-type": "application/x-www-form-urlencoded"], body: Array("result=\(result)".utf8)))
    }

    /// The queued callbacks, signed for one attempt, in delivery order (removed from the queue).
    func callbacks() -> [RenderedCallback] {
        let renderer = CallbackRenderer(configuration: configuration)
        return state.takeAllCallbacks().map { renderer.render($0.message, now: .now()) }
    }

    /// The only queued callback, verified by `connector`.
    func verifiedCallback(_ connector: any ChannelConnector, file: StaticString = #filePath, line: UInt = #line) -> CallbackVerification? {
        let queued = callbacks()
        XCTAssertEqual(queued.count, 1, "callbacks queued", file: file, line: line)
        guard let callback = queued.first else { return nil }
        XCTAssertEqual(callback.url, Self.callbackBase + connector.channel.rawValue, file: file, line: line)
        return connector.verifyCallback(callback.asRequest, now: .now())
    }

    func setFaults(_ json: String) -> HTTPResponse {
        handler.handle(
            HTTPRequest(
                method: "POST", requestURI: "/sandbox/faults", headers: ["content-type": "application/json"], body: Array(json.utf8)))
    }

    /// The order number `channel` knows the payment by, as its statement lists it.
    static func statementNumber(_ paymentId: PaymentId, _ channel: Channel) -> String {
        ChannelOrderReference(channel).payment(paymentId)
    }

    /// `day` moved by `days` China calendar days.
    static func dayAfter(_ day: String, days: Int64 = 1) -> String {
        let midnight = Timestamp(parsing: day + " 00:00:00")!
        return String(midnight.adding(seconds: days * 86_400).rfc3339.prefix(10))
    }

    /// Today in China, as statements are cut.
    static var chinaDay: String {
        String(Timestamp.now().adding(seconds: 8 * 3600).rfc3339.prefix(10))
    }

    /// The statement of `day` fetched as paygate fetches it: the request, then the download (or
    /// the inline file) written to disk, then the connector's reader over that file.
    func statement(
        _ connector: any ChannelConnector, day: String = chinaDay
    ) throws -> (records: [StatementRecord], totals: StatementTotals) {
        guard let path = try statementFile(connector, day: day) else { return ([], .zero) }
        defer { try? FileManager.default.removeItem(atPath: path.path) }
        let reader = try connector.openStatement(path: path.path, day: day, expectedSHA1Hex: path.sha1Hex)
        var records: [StatementRecord] = []
        while let record = try reader.next() { records.append(record) }
        return (records, reader.totals)
    }

    /// The downloaded file and its published digest; nil when the channel has no file for `day`.
    func statementFile(_ connector: any ChannelConnector, day: String) throws -> (path: String, sha1Hex: String?)? {
        let path = NSTemporaryDirectory() + "sandbox-statement-\(UUID().uuidString)"
        switch try connector.statementDownload(exchange(try connector.statementRequest(day: day, now: .now())), now: .now()) {
        case .none:
            return nil
        case .inline(let bytes):
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            return (path, nil)
        case .fetch(let request, let sha1Hex):
            let response = exchange(request)
            XCTAssertEqual(response.status, 200)
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(response.body)))
            return (path, sha1Hex)
        }
    }
}

struct UnexpectedAnswer: Error {}
