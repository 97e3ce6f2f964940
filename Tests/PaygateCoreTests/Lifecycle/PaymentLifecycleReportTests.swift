import XCTest

@testable import PaygateCore

/// Channel reports of paid and failed, for every status and source.
final class PaymentLifecycleReportTests: XCTestCase {
    private typealias F = LifecycleFixture

    func testPaidMovesProcessingToSucceededWithTransactionAndPaidAt() {
        let decision = F.decide(.processing, .channelReportedPaid(F.paid("txn-1"), from: .callback))
        assertDecision(decision, steps: [.succeeded], events: [.paymentSucceeded], answer: .acknowledge)
        XCTAssertEqual(decision.write?.source, .processing)
        XCTAssertEqual(decision.write?.channelTransactionId, "txn-1")
        XCTAssertEqual(decision.write?.paidAt, F.paidAt)
    }

    func testPaidFromAQueryHasNobodyToAnswer() {
        let decision = F.decide(.processing, .channelReportedPaid(F.paid("txn-1"), from: .query))
        assertDecision(decision, steps: [.succeeded], events: [.paymentSucceeded], answer: .none)
    }

    func testPaidMovesCreatedThroughProcessing() {
        let decision = F.decide(.created, .channelReportedPaid(F.paid("txn-1"), from: .callback))
        assertDecision(decision, steps: [.processing, .succeeded], events: [.paymentSucceeded], answer: .acknowledge)
        XCTAssertEqual(decision.write?.source, .created)
        XCTAssertEqual(decision.write?.target, .succeeded)
    }

    func testDuplicateOfTheRecordedPaymentIsAcknowledgedWithoutEffect() {
        for status in F.paidStatuses {
            assertDecision(F.decide(status, .channelReportedPaid(F.paid(), from: .callback)), answer: .acknowledge, status.rawValue)
            assertDecision(F.decide(status, .channelReportedPaid(F.paid(), from: .query)), answer: .none, status.rawValue)
        }
    }

    func testAnotherTransactionForAPaidOrderIsAnAnomalyWithoutTransition() {
        for status in F.paidStatuses {
            let decision = F.decide(status, .channelReportedPaid(F.paid("txn-other"), from: .callback))
            assertDecision(decision, anomalies: [.conflictingTransactionId], answer: .acknowledge, status.rawValue)
            XCTAssertEqual(decision.anomalies.first?.transactionId, "txn-other")
        }
    }

    func testWrongAmountNeverSucceedsInAnyStatus() {
        let wrong = Money(minorUnits: 1231, currency: .cny)
        for status in PaymentStatus.allCases {
            let callback = F.decide(status, .channelReportedPaid(F.paid("txn-1", amount: wrong), from: .callback))
            assertDecision(callback, anomalies: [.amountMismatch], answer: .refuse, status.rawValue)
            XCTAssertEqual(callback.anomalies.first?.reportedAmount, wrong)
            let query = F.decide(status, .channelReportedPaid(F.paid("txn-1", amount: wrong), from: .query))
            assertDecision(query, anomalies: [.amountMismatch], answer: .none, status.rawValue)
        }
    }

    func testWrongCurrencyNeverSucceedsInAnyStatus() {
        // Same minor units, another currency: still not this order's payment.
        let wrong = Money(minorUnits: 1230, currency: .usd)
        for status in PaymentStatus.allCases {
            let decision = F.decide(status, .channelReportedPaid(F.paid("txn-1", amount: wrong), from: .callback))
            assertDecision(decision, anomalies: [.currencyMismatch], answer: .refuse, status.rawValue)
        }
    }

    func testLatePaymentForAClosedOrderIsRefundedAndAcknowledged() {
        let decision = F.decide(.closed, .channelReportedPaid(F.paid("txn-late"), from: .callback))
        assertDecision(
            decision, anomalies: [.paidAfterClose], actions: [.refundLatePayment(amount: F.amount, transactionId: "txn-late")],
            answer: .acknowledge)
        XCTAssertNil(decision.write)
    }

    func testLatePaymentForAFailedOrderIsRefundedAndAcknowledged() {
        let decision = F.decide(.failed, .channelReportedPaid(F.paid("txn-late"), from: .query))
        assertDecision(
            decision, anomalies: [.paidAfterFailure], actions: [.refundLatePayment(amount: F.amount, transactionId: "txn-late")],
            answer: .none)
    }

    func testDuplicateLatePaymentRefundsNothingTheSecondTime() {
        for status in [PaymentStatus.closed, .failed] {
            let first = PaymentLifecycle.decide(
                F.payment(status), .channelReportedPaid(F.paid("txn-late"), from: .callback), now: F.afterExpiry)
            let after = F.payment(status).applying(first)
            XCTAssertEqual(after.lateRefundTransactionIds, ["txn-late"])
            XCTAssertEqual(after.status, status)
            let repeatDecision = PaymentLifecycle.decide(
                after, .channelReportedPaid(F.paid("txn-late"), from: .callback), now: F.afterExpiry)
            assertDecision(repeatDecision, answer: .acknowledge, status.rawValue)
            // A second, different late payment is money too: refunded as well.
            let second = PaymentLifecycle.decide(after, .channelReportedPaid(F.paid("txn-late-2"), from: .callback), now: F.afterExpiry)
            XCTAssertEqual(second.channelActions, [.refundLatePayment(amount: F.amount, transactionId: "txn-late-2")])
        }
    }

    func testFailedReportFailsAnUnpaidPaymentOnce() {
        for status in [PaymentStatus.created, .processing] {
            let decision = F.decide(status, .channelReportedFailed(failureCode: "PAYER_DECLINED", from: .callback))
            assertDecision(decision, steps: [.failed], events: [.paymentFailed], answer: .acknowledge, status.rawValue)
            XCTAssertEqual(decision.write?.failureCode, "PAYER_DECLINED")
        }
        assertDecision(F.decide(.failed, .channelReportedFailed(failureCode: "X", from: .callback)), answer: .acknowledge)
        assertDecision(F.decide(.closed, .channelReportedFailed(failureCode: "X", from: .callback)), answer: .acknowledge)
        assertDecision(F.decide(.closed, .channelReportedFailed(failureCode: "X", from: .query)), answer: .none)
    }

    func testFailedReportForAPaidOrderIsAnAnomaly() {
        for status in F.paidStatuses {
            assertDecision(
                F.decide(status, .channelReportedFailed(failureCode: "X", from: .callback)), anomalies: [.failedAfterPaid],
                answer: .acknowledge, status.rawValue)
        }
    }

    /// Every event in every status: a write is always a legal path from the snapshot's status, and
    /// a final status reached emits its event and nothing else does.
    func testEveryWriteIsALegalPathAndEmitsItsFinalEvent() {
        let events: [LifecycleEvent] = [
            .prepayAccepted(ChannelPayload(payURL: "u")), .prepayRejected(failureCode: "X"), .prepayUnknown,
            .channelReportedPaid(F.paid("t"), from: .callback), .channelReportedPaid(F.paid("t"), from: .query),
            .channelReportedFailed(failureCode: "X", from: .callback), .channelReportedNotPaid, .channelReportedNotFound,
            .channelConfirmedClosed(from: .close), .channelReportedPaidOnClose(nil), .channelReportedPaidOnClose(F.paid("t")),
            .closeRequested(by: .merchant), .closeRequested(by: .expiry),
        ]
        let expected: [PaymentStatus: MerchantEventType] = [
            .succeeded: .paymentSucceeded, .failed: .paymentFailed, .closed: .paymentClosed,
        ]
        for status in PaymentStatus.allCases {
            for event in events {
                let decision = PaymentLifecycle.decide(F.payment(status), event, now: F.afterExpiry)
                guard let write = decision.write else {
                    XCTAssertEqual(decision.merchantEvents, [], "\(status) \(event)")
                    continue
                }
                var current = write.source
                XCTAssertEqual(current, status)
                for step in write.steps {
                    XCTAssertTrue(PaymentStateMachine.allows(from: current, to: step), "\(current) -> \(step) for \(event)")
                    current = step
                }
                XCTAssertEqual(decision.merchantEvents, expected[write.target].map { [$0] } ?? [], "\(status) \(event)")
            }
        }
    }
}
