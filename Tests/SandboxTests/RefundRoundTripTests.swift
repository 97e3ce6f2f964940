import Channels
import PaygateCore
import Sandbox
import XCTest

/// Refunds end to end through the REAL connectors against the sandbox, success and failure
/// (the `refund_result` fault), each channel in its own way: Alipay answers the refund call
/// itself, WeChat Pay and UnionPay accept and tell the result by callback and query. Every
/// callback is verified (signature, and for WeChat Pay decryption) by the connector.
final class RefundRoundTripTests: XCTestCase {
    let sandbox = SandboxFixture()

    // MARK: helpers

    /// A paid order on `channel` and the payment the channel reported.
    private func paidOrder(_ connector: any ChannelConnector, amount: Int64 = 1230) throws -> (PrepayOrder, ChannelPayment) {
        let order = SandboxFixture.order(connector.channel, amount: amount)
        sandbox.pay(try sandbox.prepay(connector, order), result: "success")
        guard case .verified(.paymentSucceeded(let payment))? = sandbox.verifiedCallback(connector) else {
            XCTFail("\(connector.channel): no verified payment callback")
            throw UnexpectedAnswer()
        }
        return (order, payment)
    }

    private func refundOrder(_ id: String, _ order: PrepayOrder, _ payment: ChannelPayment, amount: Int64) -> RefundOrder {
        RefundOrder(
            refundId: id, paymentId: order.paymentId, channelTransactionId: payment.channelTransactionId,
            amount: Money(minorUnits: amount, currency: .cny), paymentAmount: order.amount, reason: "damaged",
            callbackURL: order.callbackURL, createdAt: .now())
    }

    private func refund(_ connector: any ChannelConnector, _ refund: RefundOrder) throws -> RefundResult {
        connector.refundResult(sandbox.exchange(try connector.refundRequest(refund, now: .now())), for: refund)
    }

    private func query(_ connector: any ChannelConnector, _ refund: RefundOrder) throws -> RefundResult {
        let reference = ChannelRefundReference(
            refundId: refund.refundId, paymentId: refund.paymentId, amount: refund.amount, createdAt: refund.createdAt)
        return connector.refundQueryResult(sandbox.exchange(try connector.refundQueryRequest(reference, now: .now())), for: reference)
    }

    private func failRefunds(_ channel: Channel? = nil) {
        let scope = channel.map { #", "channel": "\#($0.rawValue)""# } ?? ""
        XCTAssertEqual(sandbox.setFaults(#"{"refund_result": "fail"\#(scope)}"#).status, 200)
    }

    // MARK: Alipay: synchronous

    func testAlipayRefundFailsInTheAnswerThenTheSameMoneyRefundsLater() throws {
        let connector = SandboxFixture.alipay()
        let (order, payment) = try paidOrder(connector)
        failRefunds()
        let failing = refundOrder("ref_af1", order, payment, amount: 1230)
        XCTAssertEqual(try refund(connector, failing), .failed(failureCode: "ACQ.SELLER_BALANCE_NOT_ENOUGH"))
        XCTAssertTrue(sandbox.callbacks().isEmpty, "a failed Alipay refund changes no trade: no notice")
        // The outcome was fixed when Alipay received it: a resend of the same number fails again
        // even with the knob off, and the query finds no refund data (Alipay's "not received or failed").
        XCTAssertEqual(sandbox.setFaults("{}").status, 200)
        XCTAssertEqual(try refund(connector, failing), .failed(failureCode: "ACQ.SELLER_BALANCE_NOT_ENOUGH"))
        XCTAssertEqual(try query(connector, failing), .processing)

        // The failed refund never counted: the whole amount refunds now under a new number.
        let full = refundOrder("ref_af2", order, payment, amount: 1230)
        XCTAssertEqual(try refund(connector, full), .succeeded(channelRefundId: payment.channelTransactionId))
        XCTAssertEqual(try query(connector, full), .succeeded(channelRefundId: payment.channelTransactionId))
        XCTAssertEqual(sandbox.verifiedCallback(connector), .verified(.noEffect(reason: "refund notice")))
        XCTAssertEqual(
            try refund(connector, refundOrder("ref_af3", order, payment, amount: 1)), .failed(failureCode: "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
        )

        let refunds = try sandbox.statement(connector).records.filter { $0.kind == .refund && $0.orderReference == order.paymentId.text }
        XCTAssertEqual(refunds.map(\.refundReference), ["ref_af2"], "only the refund that moved money is on the statement")
    }

    // MARK: WeChat Pay: PROCESSING, then a callback

    func testWeChatPayRefundSucceedsByCallbackAndQuery() throws {
        let connector = SandboxFixture.weChatPay()
        let (order, payment) = try paidOrder(connector)
        let partial = refundOrder("ref_ws1", order, payment, amount: 700)
        XCTAssertEqual(try refund(connector, partial), .processing)
        guard case .verified(.refundSucceeded("ref_ws1", let channelRefundId, let amount))? = sandbox.verifiedCallback(connector) else {
            return XCTFail("no verified REFUND.SUCCESS")
        }
        XCTAssertEqual(amount, partial.amount)
        XCTAssertEqual(try query(connector, partial), .succeeded(channelRefundId: channelRefundId))
        XCTAssertEqual(try refund(connector, partial), .succeeded(channelRefundId: channelRefundId), "a resend answers the settled refund")
        XCTAssertEqual(try refund(connector, refundOrder("ref_ws2", order, payment, amount: 531)), .failed(failureCode: "INVALID_REQUEST"))
    }

    func testWeChatPayRefundAcceptedThenAbnormalThenTheSameMoneyRefunds() throws {
        let connector = SandboxFixture.weChatPay()
        let (order, payment) = try paidOrder(connector)
        failRefunds(.wechatpay)
        let failing = refundOrder("ref_wf1", order, payment, amount: 1230)
        XCTAssertEqual(try refund(connector, failing), .processing, "WeChat Pay accepts first")
        XCTAssertEqual(sandbox.verifiedCallback(connector), .verified(.refundFailed(refundId: "ref_wf1", failureCode: "ABNORMAL")))
        XCTAssertEqual(try query(connector, failing), .failed(failureCode: "ABNORMAL"))
        XCTAssertEqual(try refund(connector, failing), .failed(failureCode: "ABNORMAL"), "a resend answers the settled refund")

        XCTAssertEqual(sandbox.setFaults("{}").status, 200)
        let full = refundOrder("ref_wf2", order, payment, amount: 1230)
        XCTAssertEqual(try refund(connector, full), .processing)
        guard case .verified(.refundSucceeded("ref_wf2", _, let amount))? = sandbox.verifiedCallback(connector) else {
            return XCTFail("the same money did not refund after the failure")
        }
        XCTAssertEqual(amount, full.amount)
        XCTAssertEqual(try query(connector, failing), .failed(failureCode: "ABNORMAL"), "a failed refund stays failed")
    }

    // MARK: UnionPay: accepted, then a notice

    func testUnionPayRefundAcceptedThenFailureNoticeThenTheSameMoneyRefunds() throws {
        let connector = SandboxFixture.unionPay()
        let (order, payment) = try paidOrder(connector)
        failRefunds(.unionpay)
        let failing = refundOrder("ref_0000000000000000000000000000f001", order, payment, amount: 1230)
        XCTAssertEqual(try refund(connector, failing), .processing, "UnionPay accepts (respCode 00)")
        XCTAssertEqual(
            sandbox.verifiedCallback(connector),
            .verified(.refundFailed(refundId: "ref_0000000000000000000000000000f001", failureCode: "01")))
        XCTAssertEqual(try query(connector, failing), .failed(failureCode: "01"))
        XCTAssertEqual(try refund(connector, failing), .processing, "a resend is accepted again; the query tells")
        XCTAssertTrue(sandbox.callbacks().isEmpty, "a resend sends no second notice")

        XCTAssertEqual(sandbox.setFaults("{}").status, 200)
        let full = refundOrder("ref_0000000000000000000000000000f002", order, payment, amount: 1230)
        XCTAssertEqual(try refund(connector, full), .processing)
        guard
            case .verified(.refundSucceeded("ref_0000000000000000000000000000f002", let channelRefundId, let amount))? =
                sandbox.verifiedCallback(connector)
        else {
            return XCTFail("the same money did not refund after the failure")
        }
        XCTAssertEqual(amount, full.amount)
        XCTAssertEqual(try query(connector, full), .succeeded(channelRefundId: channelRefundId))
        XCTAssertEqual(try query(connector, failing), .failed(failureCode: "01"))
        XCTAssertEqual(
            try refund(connector, refundOrder("ref_0000000000000000000000000000f003", order, payment, amount: 1)),
            .failed(failureCode: "36"))

        let refunds = try sandbox.statement(connector).records.filter {
            $0.kind == .refund && $0.orderReference == SandboxFixture.statementNumber(order.paymentId, .unionpay)
        }
        XCTAssertEqual(refunds.map(\.refundReference), [ChannelOrderReference(.unionpay).refund("ref_0000000000000000000000000000f002")])
    }

    // MARK: the knob

    func testRefundKnobLimitedToOneChannelLeavesTheOthersSucceeding() throws {
        failRefunds(.unionpay)
        let alipay = SandboxFixture.alipay()
        let weChatPay = SandboxFixture.weChatPay()
        let (alipayOrder, alipayPayment) = try paidOrder(alipay)
        let (weChatOrder, weChatPayment) = try paidOrder(weChatPay)
        XCTAssertEqual(
            try refund(alipay, refundOrder("ref_k1", alipayOrder, alipayPayment, amount: 100)),
            .succeeded(channelRefundId: alipayPayment.channelTransactionId))
        XCTAssertEqual(try refund(weChatPay, refundOrder("ref_k2", weChatOrder, weChatPayment, amount: 100)), .processing)
        let delivered = sandbox.callbacks().map { callback in
            callback.url.hasSuffix("alipay")
                ? alipay.verifyCallback(callback.asRequest, now: .now()) : weChatPay.verifyCallback(callback.asRequest, now: .now())
        }
        XCTAssertEqual(delivered.count, 2)
        XCTAssertTrue(delivered.contains(.verified(.noEffect(reason: "refund notice"))), "\(delivered)")
        XCTAssertTrue(
            delivered.contains { if case .verified(.refundSucceeded("ref_k2", _, _)) = $0 { true } else { false } }, "\(delivered)")
    }

    func testRefundKnobReadsBackAndRefusesOtherValues() {
        XCTAssertEqual(sandbox.setFaults(#"{"refund_result": "fail", "channel": "wechatpay"}"#).status, 200)
        XCTAssertEqual(sandbox.state.faults.refundResult, .fail)
        XCTAssertEqual(sandbox.state.faults.channel, .wechatpay)
        XCTAssertEqual(sandbox.setFaults(#"{"refund_result": "abnormal"}"#).status, 400)
        XCTAssertEqual(sandbox.setFaults(#"{"refund_result": true}"#).status, 400)
        XCTAssertEqual(sandbox.state.faults.refundResult, .fail, "a refused POST leaves the knobs as they were")
        XCTAssertEqual(sandbox.setFaults("{}").status, 200)
        XCTAssertEqual(sandbox.state.faults.refundResult, .success, "a POST replaces the whole set")
    }
}
