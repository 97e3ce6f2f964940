import XCTest

@testable import PaygateCore

/// Prepay outcomes and close requests, for every status.
final class PaymentLifecycleRequestTests: XCTestCase {
    private typealias F = LifecycleFixture

    func testPrepayAcceptedMovesCreatedToProcessingWithThePayURL() {
        let decision = F.decide(.created, .prepayAccepted(ChannelPayload(payURL: "https://sandbox/pay/1")))
        assertDecision(decision, steps: [.processing], answer: .none)
        XCTAssertEqual(decision.write?.source, .created)
        XCTAssertEqual(decision.write?.channelPayload?.payURL, "https://sandbox/pay/1")
        XCTAssertNil(decision.write?.channelTransactionId)
    }

    func testPrepayAcceptedForEveryOtherStatus() {
        assertDecision(F.decide(.processing, .prepayAccepted(ChannelPayload(payURL: "u"))), answer: .none, "processing")
        for status in F.paidStatuses {
            assertDecision(F.decide(status, .prepayAccepted(ChannelPayload(payURL: "u"))), answer: .none, status.rawValue)
        }
        // An order that became final while the prepay was in flight: close the stray channel order.
        assertDecision(F.decide(.closed, .prepayAccepted(ChannelPayload(payURL: "u"))), actions: [.closeAtChannel], answer: .none)
        assertDecision(F.decide(.failed, .prepayAccepted(ChannelPayload(payURL: "u"))), actions: [.closeAtChannel], answer: .none)
    }

    func testPrepayRejectedFailsACreatedPaymentOnce() {
        let decision = F.decide(.created, .prepayRejected(failureCode: "ACCOUNT_INVALID"))
        assertDecision(decision, steps: [.failed], events: [.paymentFailed], answer: .none)
        XCTAssertEqual(decision.write?.failureCode, "ACCOUNT_INVALID")
        for status in PaymentStatus.allCases where status != .created {
            assertDecision(F.decide(status, .prepayRejected(failureCode: "X")), answer: .none, status.rawValue)
        }
    }

    func testPrepayUnknownChangesNothingInAnyStatus() {
        for status in PaymentStatus.allCases {
            assertDecision(F.decide(status, .prepayUnknown), answer: .none, status.rawValue)
        }
    }

    func testMerchantCloseGoesToTheChannelFirstWhileUnpaid() {
        for status in [PaymentStatus.created, .processing] {
            assertDecision(F.decide(status, .closeRequested(by: .merchant)), actions: [.closeAtChannel], answer: .none, status.rawValue)
            // Even after expires_at: the merchant's close is not the timeout worker's.
            assertDecision(F.decide(status, .closeRequested(by: .merchant), now: F.afterExpiry), actions: [.closeAtChannel], answer: .none)
        }
    }

    func testMerchantCloseOfAClosedPaymentIsAnIdempotentRepeat() {
        assertDecision(F.decide(.closed, .closeRequested(by: .merchant)), answer: .none)
    }

    func testMerchantCloseOfAPaidOrFailedPaymentIsInvalidState() {
        for status in F.paidStatuses + [.failed] {
            assertDecision(F.decide(status, .closeRequested(by: .merchant)), answer: .invalidState, status.rawValue)
        }
    }

    func testExpiryOfACreatedPaymentClosesItWithoutAChannelCall() {
        let decision = F.decide(.created, .closeRequested(by: .expiry), now: F.afterExpiry)
        assertDecision(decision, steps: [.closed], events: [.paymentClosed], answer: .none)
        // Exactly at expires_at counts as expired.
        assertDecision(
            F.decide(.created, .closeRequested(by: .expiry), now: F.expiresAt), steps: [.closed], events: [.paymentClosed], answer: .none)
    }

    func testExpiryOfAProcessingPaymentClosesAtTheChannelFirst() {
        assertDecision(F.decide(.processing, .closeRequested(by: .expiry), now: F.afterExpiry), actions: [.closeAtChannel], answer: .none)
    }

    func testExpiryBeforeExpiresAtDoesNothing() {
        for status in PaymentStatus.allCases {
            assertDecision(F.decide(status, .closeRequested(by: .expiry), now: F.beforeExpiry), answer: .none, status.rawValue)
        }
    }

    func testExpiryOfAFinalOrPaidPaymentDoesNothing() {
        for status in F.paidStatuses + [.failed, .closed] {
            assertDecision(F.decide(status, .closeRequested(by: .expiry), now: F.afterExpiry), answer: .none, status.rawValue)
        }
    }

    func testChannelConfirmedClosedClosesAnUnpaidPaymentOnce() {
        for status in [PaymentStatus.created, .processing] {
            assertDecision(
                F.decide(status, .channelConfirmedClosed(from: .close)), steps: [.closed], events: [.paymentClosed], answer: .none)
            assertDecision(
                F.decide(status, .channelConfirmedClosed(from: .callback)), steps: [.closed], events: [.paymentClosed], answer: .acknowledge
            )
        }
        assertDecision(F.decide(.closed, .channelConfirmedClosed(from: .close)), answer: .none)
        assertDecision(F.decide(.closed, .channelConfirmedClosed(from: .callback)), answer: .acknowledge)
        assertDecision(F.decide(.failed, .channelConfirmedClosed(from: .query)), answer: .none)
    }

    func testAChannelThatCannotCloseYetLeavesTheCloseToUs() {
        for status in [PaymentStatus.created, .processing] {
            assertDecision(F.decide(status, .channelCannotClose), steps: [.closed], events: [.paymentClosed], answer: .none)
        }
        for status in [PaymentStatus.closed, .failed] + F.paidStatuses {
            assertDecision(F.decide(status, .channelCannotClose), answer: .none, "\(status)")
        }
    }

    func testChannelConfirmedClosedForAPaidPaymentIsAnAnomaly() {
        for status in F.paidStatuses {
            assertDecision(
                F.decide(status, .channelConfirmedClosed(from: .callback)), anomalies: [.closedAfterPaid], answer: .acknowledge,
                status.rawValue)
            assertDecision(
                F.decide(status, .channelConfirmedClosed(from: .close)), anomalies: [.closedAfterPaid], answer: .none, status.rawValue)
        }
    }

    func testPaidOnCloseWithoutDetailsQueriesUnlessAlreadyPaid() {
        for status in [PaymentStatus.created, .processing, .closed, .failed] {
            assertDecision(F.decide(status, .channelReportedPaidOnClose(nil)), actions: [.queryPayment], answer: .none, status.rawValue)
        }
        for status in F.paidStatuses {
            assertDecision(F.decide(status, .channelReportedPaidOnClose(nil)), answer: .none, status.rawValue)
        }
    }

    func testPaidOnCloseWithDetailsIsAPaidReport() {
        let decision = F.decide(.processing, .channelReportedPaidOnClose(F.paid("txn-9")))
        assertDecision(decision, steps: [.succeeded], events: [.paymentSucceeded], answer: .none)
        XCTAssertEqual(decision.write?.channelTransactionId, "txn-9")
        assertDecision(
            F.decide(.closed, .channelReportedPaidOnClose(F.paid("txn-9"))), anomalies: [.paidAfterClose],
            actions: [.refundLatePayment(amount: F.amount, transactionId: "txn-9")], answer: .none)
    }

    func testNotPaidAndNotFoundChangeNothing() {
        for status in PaymentStatus.allCases {
            assertDecision(F.decide(status, .channelReportedNotPaid), answer: .none, status.rawValue)
            assertDecision(F.decide(status, .channelReportedNotFound), answer: .none, status.rawValue)
        }
    }
}
