import Channels
import PaygateCore
import Services
import StorageMemory
import XCTest

final class RefundsTests: XCTestCase {
    private func refundBody(_ payment: Payment, number: String = "r-1", amount: String = "40.00") throws -> CreateRefundRequest {
        try CreateRefundRequest(
            body: Array(#"{"payment_id":"\#(payment.id.text)","merchant_refund_no":"\#(number)","amount":"\#(amount)"}"#.utf8))
    }

    func testARefundTheChannelSettlesAtOnceRefundsThePaymentAndPostsItsReversal() throws {
        let harness = Harness()
        let payment = try harness.succeededPayment()
        harness.channels.refundAnswers = [.answered(.succeeded(channelRefundId: "CR1"))]
        let outcome = try harness.services.refunds.create(
            try refundBody(payment), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertTrue(outcome.isNew)
        XCTAssertEqual(outcome.refund.status, .succeeded)
        let after = try XCTUnwrap(harness.store.payment(payment.id))
        XCTAssertEqual(after.status, .partiallyRefunded)
        XCTAssertEqual(after.refundedAmount, Harness.cny(4_000))
        XCTAssertEqual(harness.store.journal.map(\.kind), [.paymentSucceeded, .refundSucceeded])
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentSucceeded, .refundSucceeded])
    }

    func testTheRefundableAmountIsReservedAtCreation() throws {
        let harness = Harness()
        let payment = try harness.succeededPayment()
        harness.channels.refundAnswers = [.answered(.processing)]
        _ = try harness.services.refunds.create(
            try refundBody(payment, number: "r-1", amount: "60.00"), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertThrowsError(
            try harness.services.refunds.create(
                try refundBody(payment, number: "r-2", amount: "40.01"), merchantId: Harness.merchant, nonce: Harness.nonce(),
                requestId: "r")
        ) {
            XCTAssertEqual(($0 as? APIError)?.code, .refundExceedsRefundable)
        }
        // A repeat with another amount conflicts; the same one answers the stored refund.
        XCTAssertThrowsError(
            try harness.services.refunds.create(
                try refundBody(payment, number: "r-1", amount: "1.00"), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r"
            )
        ) {
            XCTAssertEqual(($0 as? APIError)?.code, .orderConflict)
        }
        XCTAssertFalse(
            try harness.services.refunds.create(
                try refundBody(payment, number: "r-1", amount: "60.00"), merchantId: Harness.merchant, nonce: Harness.nonce(),
                requestId: "r"
            ).isNew)
        XCTAssertEqual(harness.channels.calls.filter { $0 == "refund" }.count, 1)
    }

    func testAnUnpaidPaymentCannotBeRefunded() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        XCTAssertThrowsError(
            try harness.services.refunds.create(
                try refundBody(payment), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        ) {
            XCTAssertEqual(($0 as? APIError)?.code, .invalidState)
        }
        XCTAssertEqual(harness.store.nonceCount, 1, "only the create's nonce: the refusal wrote nothing")
    }

    func testARefundCallbackWithAWrongAmountIsRefusedAndAnUnknownRefundToo() throws {
        let harness = Harness()
        let payment = try harness.succeededPayment()
        harness.channels.refundAnswers = [.answered(.processing)]
        let refund = try harness.services.refunds.create(
            try refundBody(payment), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r"
        ).refund
        XCTAssertEqual(refund.status, .processing)

        harness.channels.callbacks = [
            .verified(.refundSucceeded(refundId: refund.id.text, channelRefundId: "CR", amount: Harness.cny(4_001)))
        ]
        let wrong = try harness.services.callback.receive(HTTPRequest(method: "POST", requestURI: "/callbacks/alipay"), from: .alipay)
        XCTAssertEqual(String(decoding: wrong.body, as: UTF8.self), "NACK")
        XCTAssertEqual(harness.store.refund(refund.id)?.status, .processing)
        XCTAssertEqual(harness.store.anomalies.map(\.kind), [RefundAnomalyKind.amountMismatch.rawValue])

        let unknown = RefundId(millisecondsSinceEpoch: 9, slot: refund.id.slot, random: 9)
        harness.channels.callbacks = [
            .verified(.refundSucceeded(refundId: unknown.text, channelRefundId: "CR", amount: Harness.cny(4_000)))
        ]
        let missing = try harness.services.callback.receive(HTTPRequest(method: "POST", requestURI: "/callbacks/alipay"), from: .alipay)
        XCTAssertEqual(String(decoding: missing.body, as: UTF8.self), "NACK")

        harness.channels.callbacks = [
            .verified(.refundSucceeded(refundId: refund.id.text, channelRefundId: "CR", amount: Harness.cny(4_000)))
        ]
        let right = try harness.services.callback.receive(HTTPRequest(method: "POST", requestURI: "/callbacks/alipay"), from: .alipay)
        XCTAssertEqual(String(decoding: right.body, as: UTF8.self), "ACK")
        XCTAssertEqual(harness.store.refund(refund.id)?.status, .succeeded)
        XCTAssertEqual(harness.store.journal.map(\.kind), [.paymentSucceeded, .refundSucceeded])
    }

    func testTheWorkerSendsAnUnansweredRefundAgainWithTheSameId() throws {
        let harness = Harness()
        let payment = try harness.succeededPayment()
        let refund = try harness.services.refunds.create(
            try refundBody(payment), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r"
        ).refund
        XCTAssertEqual(refund.status, .processing, "no answer: recorded, reserved, left for the worker")
        harness.clock.advance(seconds: 10)
        harness.channels.refundAnswers = [.answered(.succeeded(channelRefundId: "CR2"))]
        let shard = harness.store.shard(of: payment)
        XCTAssertEqual(
            harness.services.refunds.retryDue(shard: shard, leaseSeconds: 60, nextCheckSeconds: 30, limit: 10, requestId: "w"), 1)
        XCTAssertEqual(harness.channels.refundOrders.map(\.refundId), [refund.id.text, refund.id.text])
        XCTAssertEqual(harness.store.refund(refund.id)?.status, .succeeded)
        XCTAssertEqual(
            harness.services.refunds.retryDue(shard: shard, leaseSeconds: 60, nextCheckSeconds: 30, limit: 10, requestId: "w"), 0)
    }
}
