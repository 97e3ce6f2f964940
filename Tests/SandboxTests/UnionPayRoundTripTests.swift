import Channels
import PaygateCore
import Sandbox
import XCTest

/// The real UnionPay connector against the sandbox, in process.
final class UnionPayRoundTripTests: XCTestCase {
    let sandbox = SandboxFixture()
    let connector = SandboxFixture.unionPay()

    func testPayQueryRefundAndStatement() throws {
        let order = SandboxFixture.order(.unionpay)
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

        let refund = RefundOrder(
            refundId: "ref_00000000000000000000000000000a01", paymentId: order.paymentId,
            channelTransactionId: payment.channelTransactionId,
            amount: Money(minorUnits: 500, currency: .cny), paymentAmount: order.amount, reason: nil,
            callbackURL: order.callbackURL, createdAt: .now())
        // UnionPay accepts a refund (respCode 00) and tells the result by callback and query.
        XCTAssertEqual(connector.refundResult(sandbox.exchange(try connector.refundRequest(refund, now: .now())), for: refund), .processing)
        guard case .verified(.refundSucceeded(let refundId, let channelRefundId, let amount))? = sandbox.verifiedCallback(connector) else {
            return XCTFail("no verified refund callback")
        }
        XCTAssertEqual(refundId, "ref_00000000000000000000000000000a01")
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
                $0.kind == .payment && $0.orderReference == SandboxFixture.statementNumber(order.paymentId, .unionpay)
                    && $0.amount == order.amount
            })
        XCTAssertTrue(
            lines.contains {
                $0.kind == .refund && $0.refundReference == ChannelOrderReference(.unionpay).refund("ref_00000000000000000000000000000a01")
                    && $0.orderReference == SandboxFixture.statementNumber(order.paymentId, .unionpay)
            })
    }

    func testCloseAfterPayTimeoutAndFail() throws {
        let unpaid = SandboxFixture.order(.unionpay)
        _ = try sandbox.prepay(connector, unpaid)
        // UnionPay has no close call: the connector queries once the payTimeout has passed.
        let afterTimeout = unpaid.expiresAt.adding(seconds: 1)
        XCTAssertEqual(
            connector.closeResult(
                sandbox.exchange(try connector.closeRequest(SandboxFixture.reference(unpaid), now: afterTimeout)), for: unpaid.paymentId),
            .closed)

        let failing = SandboxFixture.order(.unionpay)
        sandbox.pay(try sandbox.prepay(connector, failing), result: "fail")
        XCTAssertEqual(sandbox.verifiedCallback(connector), .verified(.paymentFailed(paymentId: failing.paymentId, failureCode: "01")))
        XCTAssertEqual(
            connector.queryResult(
                sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(failing), now: .now())), for: failing.paymentId),
            .failed(failureCode: "01"))
    }

    func testForgedRequestIsRefusedInUnionPaysForm() throws {
        let forger = SandboxFixture.unionPay(signingWith: TestKeys.channelRetired)
        let order = SandboxFixture.order(.unionpay)
        XCTAssertEqual(
            forger.prepayResult(sandbox.exchange(try forger.prepayRequest(order, now: .now())), for: order),
            .rejected(failureCode: "11"))
    }
}
