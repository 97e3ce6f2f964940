import Channels
import PaygateCore
import Services
import StorageMemory
import XCTest

final class CloseAndExpiryTests: XCTestCase {
    func testAMerchantCloseClosesAtTheChannelFirst() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        harness.channels.closeAnswers = [.answered(.closed)]
        let closed = try harness.services.close.close(payment.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertEqual(closed.status, .closed)
        XCTAssertEqual(harness.channels.calls, ["prepay", "close"])
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentClosed])
        // Closing a closed payment answers it again and asks nobody.
        XCTAssertEqual(
            try harness.services.close.close(payment.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r").status,
            .closed)
        XCTAssertEqual(harness.channels.calls, ["prepay", "close"])
    }

    func testAPaymentPaidBeforeTheCloseReachedTheChannelIsSucceededAnd409() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        harness.channels.closeAnswers = [.answered(.alreadyPaid)]
        harness.channels.queryAnswers = [
            .answered(
                .paid(
                    ChannelPayment(paymentId: payment.id, channelTransactionId: "T9", amount: payment.amount, paidAt: harness.clock.now())))
        ]
        XCTAssertThrowsError(
            try harness.services.close.close(payment.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        ) {
            XCTAssertEqual(($0 as? APIError)?.code, .invalidState)
        }
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .succeeded)
        XCTAssertEqual(harness.store.journal.count, 1)
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentSucceeded])
    }

    func testACloseTheChannelCannotConfirmIs503AndChangesNothing() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        let nonce = Harness.nonce()
        harness.channels.closeAnswers = [.unavailable(reason: "timeout")]
        XCTAssertThrowsError(try harness.services.close.close(payment.id, merchantId: Harness.merchant, nonce: nonce, requestId: "r")) {
            XCTAssertEqual(($0 as? APIError)?.code, .channelUnavailable)
        }
        XCTAssertEqual(harness.store.payment(payment.id), payment)
        XCTAssertTrue(harness.store.events.isEmpty)
        // Nothing was written, the nonce included: the same request may be sent again.
        harness.channels.closeAnswers = [.answered(.closed)]
        XCTAssertEqual(
            try harness.services.close.close(payment.id, merchantId: Harness.merchant, nonce: nonce, requestId: "r").status, .closed)
    }

    func testAPaymentTheChannelCannotCloseYetIsClosedHere() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        harness.channels.closeAnswers = [.unsupported(reason: "not before payTimeout")]
        let closed = try harness.services.close.close(payment.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertEqual(closed.status, .closed)
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentClosed])
        XCTAssertEqual(harness.historyOf(payment.id).last, "processing>closed")
        // A payer who still pays before the channel's order expires is refunded, never lost.
        XCTAssertEqual(try harness.paidCallback(payment, transaction: "AFTER"), "ACK")
        XCTAssertEqual(harness.store.refunds(of: payment.id).map(\.origin), [.latePayment])
    }

    func testAnotherMerchantsPaymentIsNotFound() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        XCTAssertThrowsError(try harness.services.close.close(payment.id, merchantId: "m_other", nonce: Harness.nonce(), requestId: "r")) {
            XCTAssertEqual(($0 as? APIError)?.code, .notFound)
        }
        XCTAssertThrowsError(try harness.services.lookup.payment(payment.id.text, merchantId: "m_other")) {
            XCTAssertEqual(($0 as? APIError)?.code, .notFound)
        }
        XCTAssertEqual(try harness.services.lookup.payment(payment.id.text, merchantId: Harness.merchant), payment)
    }

    func testTheExpiryClosesAnExpiredPaymentAtTheChannel() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        harness.clock.advance(seconds: 901)
        harness.channels.closeAnswers = [.answered(.closed)]
        let outcome = try harness.services.expiry.expire(payment, requestId: "w")
        XCTAssertTrue(outcome.hasPrefix("closed at alipay"), outcome)
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .closed)
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentClosed])
    }

    func testAnExpiryTheChannelCannotCloseLeavesThePaymentOpen() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        harness.clock.advance(seconds: 901)
        harness.channels.closeAnswers = [.unsupported(reason: "not before payTimeout")]
        let outcome = try harness.services.expiry.expire(payment, requestId: "w")
        XCTAssertTrue(outcome.contains("tried again later"), outcome)
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .processing)
    }

    func testAQueryAnswerForAnotherOrderNeverSettlesThisOne() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        let other = PaymentId(millisecondsSinceEpoch: 5, slot: payment.id.slot, random: 7)
        harness.channels.queryAnswers = [
            .answered(
                .paid(ChannelPayment(paymentId: other, channelTransactionId: "TX", amount: payment.amount, paidAt: harness.clock.now())))
        ]
        try harness.services.query.query(payment, requestId: "w")
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .processing)
        XCTAssertTrue(harness.store.journal.isEmpty)
    }

    func testTheWorkersClaimsAreDisjointUntilTheLeaseEnds() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        let shard = harness.store.shard(of: payment)
        let request = PaymentClaimRequest(batchSizeMax: 10, leaseSeconds: 120)
        XCTAssertTrue(
            try harness.store.claimDue(shard: shard, request: request, now: harness.clock.now()).payments.isEmpty,
            "not due before its first check")
        harness.clock.advance(seconds: 30)
        XCTAssertEqual(
            try harness.store.claimDue(shard: shard, request: request, now: harness.clock.now()).payments.map(\.id), [payment.id])
        XCTAssertTrue(
            try harness.store.claimDue(shard: shard, request: request, now: harness.clock.now()).payments.isEmpty, "held by the first claim"
        )
        harness.clock.advance(seconds: 120)
        XCTAssertEqual(
            try harness.store.claimDue(shard: shard, request: request, now: harness.clock.now()).payments.map(\.id), [payment.id])
    }
}
