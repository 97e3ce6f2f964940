import Channels
import PaygateCore
import Services
import StorageMemory
import XCTest

final class CreatePaymentTests: XCTestCase {
    func testAnAcceptedPrepayStoresAProcessingPaymentWithItsPayURLInOneInsert() throws {
        let harness = Harness()
        let payment = try harness.processingPayment()
        XCTAssertEqual(harness.channels.calls, ["prepay"])
        XCTAssertEqual(payment.channelPayloadJSON, #"{"pay_url":"https://channel.test/pay/order-1"}"#)
        XCTAssertEqual(harness.historyOf(payment.id), ["->created", "created>processing"])
        XCTAssertTrue(harness.store.journal.isEmpty)
        XCTAssertTrue(harness.store.events.isEmpty)
        // The worker's first look is the schedule's first step after the create.
        XCTAssertEqual(harness.store.nextCheck(payment.id), payment.createdAt.adding(seconds: 30))
    }

    func testARefusedPrepayFailsThePaymentWithItsCodeAndEvent() throws {
        let harness = Harness()
        harness.channels.prepayAnswers = [.answered(.rejected(failureCode: "ACQ.TRADE_HAS_CLOSE"))]
        let outcome = try harness.services.create.create(
            try Harness.body(), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertTrue(outcome.isNew)
        XCTAssertEqual(outcome.payment.status, .failed)
        XCTAssertEqual(outcome.payment.failureCode, "ACQ.TRADE_HAS_CLOSE")
        XCTAssertEqual(harness.historyOf(outcome.payment.id), ["->created", "created>failed"])
        XCTAssertEqual(harness.eventsOf(outcome.payment.id), [.paymentFailed])
        XCTAssertTrue(harness.store.journal.isEmpty)
    }

    func testAChannelWithoutADefiniteAnswerWritesNothing() throws {
        for answer: ChannelCall<PrepayResult> in [.unavailable(reason: "timeout"), .answered(.unknown(reason: "SYSTEM_ERROR"))] {
            let harness = Harness()
            harness.channels.prepayAnswers = [answer]
            XCTAssertThrowsError(
                try harness.services.create.create(try Harness.body(), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
            ) {
                XCTAssertEqual(($0 as? APIError)?.code, .channelUnavailable)
            }
            XCTAssertEqual(harness.store.paymentCount, 0)
            XCTAssertEqual(harness.store.nonceCount, 0, "an error answer leaves the nonce unused")
            XCTAssertTrue(harness.store.history.isEmpty)
        }
    }

    func testAnIdenticalRepeatAnswersTheStoredPaymentAndADifferentOneConflicts() throws {
        let harness = Harness()
        let first = try harness.processingPayment()
        harness.channels.prepayAnswers = [.answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/again")))]
        let repeated = try harness.services.create.create(
            try Harness.body(), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertFalse(repeated.isNew)
        XCTAssertEqual(repeated.payment, first, "the first create's payment and pay URL stand")

        harness.channels.prepayAnswers = [.answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/other")))]
        XCTAssertThrowsError(
            try harness.services.create.create(
                try Harness.body(amount: "100.01"), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        ) {
            XCTAssertEqual(($0 as? APIError)?.code, .orderConflict)
        }
        XCTAssertEqual(harness.store.paymentCount, 1)
        XCTAssertEqual(harness.historyOf(first.id).count, 2)
    }

    func testAReplayedRequestIsRefusedAndWritesNothing() throws {
        let harness = Harness()
        let nonce = Harness.nonce()
        harness.channels.prepayAnswers = [
            .answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/1"))),
            .answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/2"))),
        ]
        _ = try harness.services.create.create(try Harness.body(), merchantId: Harness.merchant, nonce: nonce, requestId: "r")
        // A replay is the same request: the signature covers the body, and the nonce is kept on
        // the shard of the request's effect (MariaDB's request_nonces, and the twin's), which an
        // identical body reaches again.
        XCTAssertThrowsError(
            try harness.services.create.create(try Harness.body(), merchantId: Harness.merchant, nonce: nonce, requestId: "r")
        ) {
            XCTAssertTrue($0 is NonceReused, "\($0)")
        }
        XCTAssertEqual(harness.store.paymentCount, 1)
    }

    func testWithoutChannelsThePaymentIsStoredCreatedAndClosesHere() throws {
        let harness = Harness(withChannels: false)
        let outcome = try harness.services.create.create(
            try Harness.body(), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertEqual(outcome.payment.status, .created)
        XCTAssertEqual(harness.channels.calls, [])
        let closed = try harness.services.close.close(
            outcome.payment.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        XCTAssertEqual(closed.status, .closed)
        XCTAssertEqual(harness.historyOf(outcome.payment.id), ["->created", "created>closed"])
        XCTAssertEqual(harness.eventsOf(outcome.payment.id), [.paymentClosed], "the merchant is told, as with channels")
        XCTAssertEqual(
            try harness.services.close.close(outcome.payment.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
                .status, .closed)
        XCTAssertEqual(harness.eventsOf(outcome.payment.id), [.paymentClosed], "closing a closed payment tells nobody again")
    }

    func testASubjectTheChannelWouldRefuseIsRefusedBeforeAskingIt() throws {
        let harness = Harness()
        XCTAssertThrowsError(
            try harness.services.create.create(
                try Harness.body(), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        ) { _ in }  // no prepay answer scripted: unavailable (the control case below)
        let json =
            #"{"merchant_order_no":"o-amp","amount":"1.00","currency":"CNY","channel":"alipay","subject":"a&b","notify_url":"https://m.test/h"}"#
        XCTAssertThrowsError(
            try harness.services.create.create(
                try CreatePaymentRequest(body: Array(json.utf8)), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
        ) {
            XCTAssertEqual(($0 as? APIError)?.code, .invalidField)
            XCTAssertEqual(($0 as? APIError)?.field, "subject")
        }
        XCTAssertEqual(harness.channels.calls, ["prepay"], "only the control case reached the channel")
        XCTAssertEqual(harness.store.paymentCount, 0)
    }

    func testOnlyCNYIsTakenWhenChannelsAreConnected() throws {
        let harness = Harness()
        let json =
            #"{"merchant_order_no":"o-usd","amount":"1.00","currency":"USD","channel":"alipay","subject":"x","notify_url":"https://m.test/h"}"#
        let body = try CreatePaymentRequest(body: Array(json.utf8))
        XCTAssertThrowsError(try harness.services.create.create(body, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r"))
        {
            XCTAssertEqual(($0 as? APIError)?.code, .unsupportedCurrency)
        }
        XCTAssertEqual(harness.channels.calls, [], "refused before the channel is asked")
    }
}
