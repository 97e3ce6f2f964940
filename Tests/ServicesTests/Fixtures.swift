import Channels
import Foundation
import PaygateCore
import Services
import StorageMemory
import Synchronization
import XCTest

/// A clock the test moves by hand.
final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Timestamp

    init(_ start: Timestamp = Timestamp(secondsSinceEpoch: 1_800_000_000)) { current = start }

    func now() -> Timestamp { lock.withLock { current } }
    func advance(seconds: Int64) { lock.withLock { current = current.adding(seconds: seconds) } }
}

/// The channels as a script: each operation answers what the test put in front of it (and
/// `.unavailable` when nothing is), and every call is recorded.
final class ScriptedChannels: PaymentChannels {
    var prepayAnswers: [ChannelCall<PrepayResult>] = []
    var closeAnswers: [ChannelCall<CloseResult>] = []
    var queryAnswers: [ChannelCall<QueryResult>] = []
    var refundAnswers: [ChannelCall<RefundResult>] = []
    var refundQueryAnswers: [ChannelCall<RefundResult>] = []
    var callbacks: [CallbackVerification] = []
    private(set) var calls: [String] = []
    private(set) var refundOrders: [RefundOrder] = []

    private func next<T>(_ answers: inout [ChannelCall<T>], _ name: String) -> ChannelCall<T> {
        calls.append(name)
        return answers.isEmpty ? .unavailable(reason: "no scripted answer") : answers.removeFirst()
    }

    func prepay(_ order: PrepayOrder, on channel: Channel, requestId: String) -> ChannelCall<PrepayResult> {
        next(&prepayAnswers, "prepay")
    }
    func close(_ payment: ChannelPaymentReference, on channel: Channel, requestId: String) -> ChannelCall<CloseResult> {
        next(&closeAnswers, "close")
    }
    func query(_ payment: ChannelPaymentReference, on channel: Channel, requestId: String) -> ChannelCall<QueryResult> {
        next(&queryAnswers, "query")
    }
    func refund(_ order: RefundOrder, on channel: Channel, requestId: String) -> ChannelCall<RefundResult> {
        refundOrders.append(order)
        return next(&refundAnswers, "refund")
    }
    func queryRefund(_ refund: ChannelRefundReference, on channel: Channel, requestId: String) -> ChannelCall<RefundResult> {
        next(&refundQueryAnswers, "refund_query")
    }
    func callbackURL(for channel: Channel) -> String { "https://paygate.test/callbacks/\(channel.rawValue)" }
    func verifyCallback(_ request: HTTPRequest, from channel: Channel, now: Timestamp) -> CallbackVerification? {
        calls.append("callback")
        return callbacks.isEmpty ? .rejected(reason: "no scripted callback") : callbacks.removeFirst()
    }
    func acknowledgement(to channel: Channel, accepted: Bool) -> HTTPResponse {
        .json(status: 200, body: Array((accepted ? "ACK" : "NACK").utf8))
    }
}

/// The flows over the twin and the scripted channels, and helpers to drive them.
struct Harness {
    let clock = ManualClock()
    let store: MemoryStore
    let channels = ScriptedChannels()
    let security = NotedSecurityEvents()
    let services: Services
    static let merchant = "m_test"
    static let fee = ChannelFee(basisPoints: 60)

    init(withChannels: Bool = true, risk: RiskEngine? = nil) {
        store = MemoryStore(fees: [.alipay: Harness.fee, .wechatpay: Harness.fee, .unionpay: Harness.fee], clock: clock)
        services = Services(
            ServiceContext(
                payments: store, refunds: store, channels: withChannels ? channels : nil, clock: clock,
                schedule: QuerySchedule(stepsSeconds: [30, 60]), log: Log(component: "test", minimum: .error),
                securityEvents: security, risk: risk))
    }

    static func cny(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: .cny) }

    static func nonce() -> RequestNonce {
        let unique = UUID().uuidString
        return RequestNonce(merchantId: merchant, nonce: unique, signature: "s" + unique)
    }

    static func body(
        order: String = "order-1", amount: String = "100.00", channel: String = "alipay", expireSeconds: Int = 900,
        payerDevice: String? = nil
    ) throws
        -> CreatePaymentRequest
    {
        let payer = payerDevice.map { #","payer":{"device_id":"\#($0)","user_id":"u-1","ip":"203.0.113.1"}"# } ?? ""
        let json = """
            {"merchant_order_no":"\(order)","amount":"\(amount)","currency":"CNY","channel":"\(channel)","subject":"Tea",
             "notify_url":"https://merchant.test/hook","expire_seconds":\(expireSeconds)\(payer)}
            """
        return try CreatePaymentRequest(body: Array(json.utf8))
    }

    /// A payment the channel accepted: `processing`, with its pay URL.
    func processingPayment(order: String = "order-1", amount: String = "100.00") throws -> Payment {
        channels.prepayAnswers.append(.answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/\(order)"))))
        let outcome = try services.create.create(
            try Harness.body(order: order, amount: amount), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertEqual(outcome.payment.status, .processing)
        return outcome.payment
    }

    /// The channel's callback that `payment` was paid `amount` (its own amount by default).
    func paidCallback(_ payment: Payment, amount: Money? = nil, transaction: String = "T1") throws -> String {
        channels.callbacks.append(
            .verified(
                .paymentSucceeded(
                    ChannelPayment(
                        paymentId: payment.id, channelTransactionId: transaction, amount: amount ?? payment.amount, paidAt: clock.now()))))
        let answer = try services.callback.receive(HTTPRequest(method: "POST", requestURI: "/callbacks/alipay"), from: payment.channel)
        return String(decoding: answer.body, as: UTF8.self)
    }

    func succeededPayment(order: String = "order-1", amount: String = "100.00") throws -> Payment {
        let payment = try processingPayment(order: order, amount: amount)
        XCTAssertEqual(try paidCallback(payment), "ACK")
        return try XCTUnwrap(store.payment(payment.id))
    }

    func historyOf(_ id: PaymentId) -> [String] {
        store.history.filter { $0.paymentId == id }.map { "\($0.from?.rawValue ?? "-")>\($0.to.rawValue)" }
    }

    func eventsOf(_ id: PaymentId) -> [MerchantEventType] {
        store.events.filter { $0.paymentId == id }.map(\.type)
    }
}

/// The security events the flows report, in order (the pool's counter stands behind the port).
final class NotedSecurityEvents: SecurityEventRecording {
    private let noted = Mutex<[String]>([])

    func note(_ kind: SecurityTally.Kind, targets: [String]) {
        noted.withLock { $0 += targets.map { kind.rawValue + " " + $0 } }
    }

    var all: [String] { noted.withLock { $0 } }
}
