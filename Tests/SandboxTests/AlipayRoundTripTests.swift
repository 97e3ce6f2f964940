import Channels
import PaygateCore
import Sandbox
import XCTest

/// The real Alipay connector against the sandbox, in process.
final class AlipayRoundTripTests: XCTestCase {
    let sandbox = SandboxFixture()
    let connector = SandboxFixture.alipay()

    /// Alipay refuses a subject that could re-split the signed text of its notifications.
    func testASubjectWithAnAmpersandOrEqualsSignIsRefused() throws {
        for subject in ["tea & cake", "size=L"] {
            let order = SandboxFixture.order(.alipay, subject: subject)
            let answer = connector.prepayResult(sandbox.exchange(try connector.prepayRequest(order, now: .now())), for: order)
            XCTAssertEqual(answer, .rejected(failureCode: "isv.invalid-parameter"), subject)
        }
    }

    func testPayQueryRefundAndStatement() throws {
        let order = SandboxFixture.order(.alipay)
        let payURL = try sandbox.prepay(connector, order)
        XCTAssertEqual(try sandbox.prepay(connector, order), payURL, "a repeated prepay answers the same pay URL")
        let reference = SandboxFixture.reference(order)
        XCTAssertEqual(
            connector.queryResult(sandbox.exchange(try connector.queryRequest(reference, now: .now())), for: reference.paymentId), .notPaid)

        XCTAssertEqual(sandbox.pay(payURL, result: "success").status, 200)
        guard case .verified(.paymentSucceeded(let payment))? = sandbox.verifiedCallback(connector) else {
            return XCTFail("no verified payment callback")
        }
        XCTAssertEqual(payment.paymentId, order.paymentId)
        XCTAssertEqual(payment.amount, order.amount)
        XCTAssertFalse(payment.channelTransactionId.isEmpty)
        XCTAssertEqual(
            connector.queryResult(sandbox.exchange(try connector.queryRequest(reference, now: .now())), for: reference.paymentId),
            .paid(payment))
        XCTAssertEqual(sandbox.pay(payURL, result: "success").status, 409, "a paid order cannot be paid again")
        XCTAssertEqual(
            connector.closeResult(sandbox.exchange(try connector.closeRequest(reference, now: .now())), for: reference.paymentId),
            .alreadyPaid)

        let refund = RefundOrder(
            refundId: "ref_a1", paymentId: order.paymentId, channelTransactionId: payment.channelTransactionId,
            amount: Money(minorUnits: 500, currency: .cny), paymentAmount: order.amount, reason: "damaged",
            callbackURL: order.callbackURL, createdAt: .now())
        XCTAssertEqual(
            connector.refundResult(sandbox.exchange(try connector.refundRequest(refund, now: .now())), for: refund),
            .succeeded(channelRefundId: payment.channelTransactionId))
        // A repeat moves no money (fund_change N): the refund query decides.
        XCTAssertEqual(connector.refundResult(sandbox.exchange(try connector.refundRequest(refund, now: .now())), for: refund), .processing)
        let refundReference = ChannelRefundReference(
            refundId: refund.refundId, paymentId: order.paymentId, amount: refund.amount, createdAt: refund.createdAt)
        XCTAssertEqual(
            connector.refundQueryResult(
                sandbox.exchange(try connector.refundQueryRequest(refundReference, now: .now())), for: refundReference),
            .succeeded(channelRefundId: payment.channelTransactionId))
        // Alipay's refund notice verifies and changes nothing.
        XCTAssertEqual(sandbox.verifiedCallback(connector), .verified(.noEffect(reason: "refund notice")))

        let lines = try sandbox.statement(connector).records
        XCTAssertTrue(
            lines.contains {
                $0.kind == .payment && $0.orderReference == order.paymentId.text && $0.amount == order.amount && $0.fee.minorUnits == 7
            }
        )
        XCTAssertTrue(lines.contains { $0.kind == .refund && $0.refundReference == "ref_a1" && $0.amount.minorUnits == 500 })
    }

    func testCloseAndFail() throws {
        let unpaid = SandboxFixture.order(.alipay)
        let unpaidURL = try sandbox.prepay(connector, unpaid)
        XCTAssertEqual(
            connector.closeResult(
                sandbox.exchange(try connector.closeRequest(SandboxFixture.reference(unpaid), now: .now())), for: unpaid.paymentId), .closed
        )
        XCTAssertEqual(sandbox.pay(unpaidURL, result: "success").status, 409, "a closed order cannot be paid")
        XCTAssertTrue(sandbox.callbacks().isEmpty)

        let failing = SandboxFixture.order(.alipay)
        sandbox.pay(try sandbox.prepay(connector, failing), result: "fail")
        XCTAssertEqual(sandbox.verifiedCallback(connector), .verified(.paymentClosed(paymentId: failing.paymentId)))
        XCTAssertEqual(
            connector.queryResult(
                sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(failing), now: .now())), for: failing.paymentId),
            .closed)
        let unknown = SandboxFixture.order(.alipay)
        XCTAssertEqual(
            connector.queryResult(
                sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(unknown), now: .now())), for: unknown.paymentId),
            .notFound)
    }

    func testForgedRequestIsRefusedInAlipaysForm() throws {
        let forger = SandboxFixture.alipay(signingWith: TestKeys.channelRetired)
        let order = SandboxFixture.order(.alipay)
        let response = sandbox.exchange(try forger.prepayRequest(order, now: .now()))
        // A key problem never fails the payment.
        XCTAssertEqual(forger.prepayResult(response, for: order), .unknown(reason: "code 40002 sub_code isv.invalid-signature"))
        XCTAssertTrue(String(decoding: response.body, as: UTF8.self).contains(#""code":"40002""#))
    }
}
