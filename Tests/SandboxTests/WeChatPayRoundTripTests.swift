import Channels
import PaygateCore
import Sandbox
import XCTest

/// The real WeChat Pay v3 connector against the sandbox, in process.
final class WeChatPayRoundTripTests: XCTestCase {
    let sandbox = SandboxFixture()
    let connector = SandboxFixture.weChatPay()

    func testPayQueryRefundAndStatement() throws {
        let order = SandboxFixture.order(.wechatpay)
        let payURL = try sandbox.prepay(connector, order)
        let reference = SandboxFixture.reference(order)
        XCTAssertEqual(
            connector.queryResult(sandbox.exchange(try connector.queryRequest(reference, now: .now())), for: reference.paymentId), .notPaid)

        sandbox.pay(payURL, result: "success")
        guard case .verified(.paymentSucceeded(let payment))? = sandbox.verifiedCallback(connector) else {
            return XCTFail("no verified payment callback")
        }
        XCTAssertEqual(payment.paymentId, order.paymentId)
        XCTAssertEqual(payment.amount, order.amount)
        XCTAssertEqual(
            connector.queryResult(sandbox.exchange(try connector.queryRequest(reference, now: .now())), for: reference.paymentId),
            .paid(payment))
        XCTAssertEqual(
            connector.closeResult(sandbox.exchange(try connector.closeRequest(reference, now: .now())), for: reference.paymentId),
            .alreadyPaid)

        let refund = RefundOrder(
            refundId: "ref_w1", paymentId: order.paymentId, channelTransactionId: payment.channelTransactionId,
            amount: Money(minorUnits: 500, currency: .cny), paymentAmount: order.amount, reason: nil,
            callbackURL: order.callbackURL, createdAt: .now())
        XCTAssertEqual(connector.refundResult(sandbox.exchange(try connector.refundRequest(refund, now: .now())), for: refund), .processing)
        guard case .verified(.refundSucceeded(let refundId, let channelRefundId, let amount))? = sandbox.verifiedCallback(connector) else {
            return XCTFail("no verified refund callback")
        }
        XCTAssertEqual(refundId, "ref_w1")
        XCTAssertEqual(amount, refund.amount)
        let refundReference = ChannelRefundReference(
            refundId: refund.refundId, paymentId: order.paymentId, amount: refund.amount, createdAt: refund.createdAt)
        XCTAssertEqual(
            connector.refundQueryResult(
                sandbox.exchange(try connector.refundQueryRequest(refundReference, now: .now())), for: refundReference),
            .succeeded(channelRefundId: channelRefundId))

        let lines = try sandbox.statement(connector).records
        XCTAssertTrue(
            lines.contains {
                $0.kind == .payment && $0.orderReference == SandboxFixture.statementNumber(order.paymentId, .wechatpay)
                    && $0.amount == order.amount
            })
        XCTAssertTrue(lines.contains { $0.kind == .refund && $0.refundReference == "ref_w1" && $0.amount.minorUnits == 500 })
    }

    func testCloseAndFail() throws {
        let unpaid = SandboxFixture.order(.wechatpay)
        _ = try sandbox.prepay(connector, unpaid)
        XCTAssertEqual(
            connector.closeResult(
                sandbox.exchange(try connector.closeRequest(SandboxFixture.reference(unpaid), now: .now())), for: unpaid.paymentId), .closed
        )
        XCTAssertEqual(
            connector.queryResult(
                sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(unpaid), now: .now())), for: unpaid.paymentId), .closed
        )

        // WeChat Pay sends no callback for a failed payment: the query tells.
        let failing = SandboxFixture.order(.wechatpay)
        sandbox.pay(try sandbox.prepay(connector, failing), result: "fail")
        XCTAssertTrue(sandbox.callbacks().isEmpty)
        XCTAssertEqual(
            connector.queryResult(
                sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(failing), now: .now())), for: failing.paymentId),
            .failed(failureCode: "PAYERROR"))
    }

    func testForgedRequestIsRefusedInWeChatPaysForm() throws {
        let forger = SandboxFixture.weChatPay(signingWith: TestKeys.channelRetired)
        let order = SandboxFixture.order(.wechatpay)
        let response = sandbox.exchange(try forger.prepayRequest(order, now: .now()))
        XCTAssertEqual(response.status, 401)
        // A key problem never fails the payment.
        XCTAssertEqual(forger.prepayResult(response, for: order), .unknown(reason: "HTTP 401 SIGN_ERROR"))
    }
}
