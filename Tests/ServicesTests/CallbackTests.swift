import Channels
import PaygateCore
import Services
import StorageMemory
import XCTest

final class CallbackTests: XCTestCase {
    func testAPaidCallbackSucceedsThePaymentWithOnePostingAndOneEvent() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        XCTAssertEqual(try harness.paidCallback(payment), "ACK")
        let paid = try XCTUnwrap(harness.store.payment(payment.id))
        XCTAssertEqual(paid.status, .succeeded)
        XCTAssertEqual(paid.channelTransactionId, "T1")
        XCTAssertEqual(harness.historyOf(payment.id), ["->created", "created>processing", "processing>succeeded"])
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentSucceeded])
        XCTAssertEqual(harness.store.journal.count, 1)
        XCTAssertEqual(harness.store.journal.first?.kind, .paymentSucceeded)
    }

    func testADuplicateCallbackIsAcknowledgedAndMovesNothing() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        XCTAssertEqual(try harness.paidCallback(payment), "ACK")
        XCTAssertEqual(try harness.paidCallback(payment), "ACK")
        XCTAssertEqual(harness.store.journal.count, 1, "one posting however often the channel says it")
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentSucceeded])
        XCTAssertEqual(harness.historyOf(payment.id).count, 3)
    }

    func testAWrongAmountIsRefusedRecordedAndNeverApplied() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        XCTAssertEqual(try harness.paidCallback(payment, amount: Harness.cny(9_999)), "NACK")
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .processing)
        XCTAssertTrue(harness.store.journal.isEmpty)
        XCTAssertTrue(harness.store.events.isEmpty)
        XCTAssertEqual(harness.store.anomalies.map(\.kind), ["amount_mismatch"])
    }

    func testAPaymentPaidAfterItsCloseIsGivenBackByAnOrdinaryRefund() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        harness.channels.closeAnswers = [.answered(.closed)]
        XCTAssertEqual(
            try harness.services.close.close(payment.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r").status,
            .closed)
        XCTAssertEqual(try harness.paidCallback(payment, transaction: "LATE"), "ACK")
        XCTAssertEqual(try harness.paidCallback(payment, transaction: "LATE"), "ACK", "a repeat of the late payment's notice")
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .closed)
        let refunds = harness.store.refunds(of: payment.id)
        XCTAssertEqual(refunds.count, 1, "one refund however often the channel reports the late payment")
        let late = try XCTUnwrap(refunds.first)
        XCTAssertEqual(late.origin, .latePayment)
        XCTAssertEqual(late.sourceTransactionId, "LATE")
        XCTAssertEqual(late.amount, payment.amount)
        XCTAssertEqual(late.status, .processing)
        XCTAssertEqual(harness.store.journal.map(\.kind), [.latePaymentReceived], "owed to the payer, never to the merchant")

        // The worker's pass sends it like any refund, with the late transaction, and records the
        // channel's word: the money leaves the ledger again and the payment does not change.
        harness.channels.refundAnswers = [.answered(.succeeded(channelRefundId: "CR1"))]
        let shard = harness.store.shard(of: payment)
        XCTAssertEqual(
            harness.services.refunds.retryDue(shard: shard, leaseSeconds: 60, nextCheckSeconds: 30, limit: 10, requestId: "w"), 1)
        XCTAssertEqual(harness.channels.refundOrders.map(\.refundId), [late.id.text])
        XCTAssertEqual(harness.channels.refundOrders.first?.channelTransactionId, "LATE")
        XCTAssertEqual(harness.store.refund(late.id)?.status, .succeeded)
        XCTAssertEqual(harness.store.journal.map(\.kind), [.latePaymentReceived, .latePaymentReturned])
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .closed)
        XCTAssertEqual(harness.store.payment(payment.id)?.refundedAmount, Harness.cny(0))
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentClosed, .refundSucceeded])
        XCTAssertEqual(
            harness.services.refunds.retryDue(shard: shard, leaseSeconds: 60, nextCheckSeconds: 30, limit: 10, requestId: "w"), 0)
    }

    func testForgedAndUnknownCallbacksAreRefusedAndWriteNothing() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        harness.channels.callbacks = [.rejected(reason: "bad signature")]
        let forged = try harness.services.callback.receive(
            HTTPRequest(method: "POST", requestURI: "/callbacks/alipay", remoteAddress: "10.1.2.3"), from: .alipay)
        XCTAssertEqual(String(decoding: forged.body, as: UTF8.self), "NACK")
        // Counted for the audit log (README "Audit log"); a verified callback for an unknown
        // order below is refused too, but it is not forged.
        XCTAssertEqual(harness.security.all, ["security.callback_forged channel:alipay ip:10.1.2.3"])

        let unknown = PaymentId(millisecondsSinceEpoch: 1, slot: 3, random: 42)
        harness.channels.callbacks = [
            .verified(
                .paymentSucceeded(
                    ChannelPayment(paymentId: unknown, channelTransactionId: "T", amount: payment.amount, paidAt: harness.clock.now())))
        ]
        let answer = try harness.services.callback.receive(HTTPRequest(method: "POST", requestURI: "/callbacks/alipay"), from: .alipay)
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "NACK")

        // A callback speaks only for its own channel's orders.
        harness.channels.callbacks = [
            .verified(
                .paymentSucceeded(
                    ChannelPayment(paymentId: payment.id, channelTransactionId: "T", amount: payment.amount, paidAt: harness.clock.now())))
        ]
        let otherChannel = try harness.services.callback.receive(
            HTTPRequest(method: "POST", requestURI: "/callbacks/wechatpay"), from: .wechatpay)
        XCTAssertEqual(String(decoding: otherChannel.body, as: UTF8.self), "NACK")
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .processing)
        XCTAssertTrue(harness.store.journal.isEmpty)
        XCTAssertEqual(harness.security.all.count, 1)
    }
}

extension MemoryStore {
    func shard(of payment: Payment) -> Int { payment.id.slot * shardCount / slotCount }
}
