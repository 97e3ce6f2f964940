import StorageMemory
import XCTest

@testable import PaygateCore

/// Every cell of the table in `RefundLifecycle`, plus a seeded run that applies random channel
/// reports to many refunds of one payment and checks the money after every step.
final class RefundLifecycleTests: XCTestCase {
    private let paymentAmount = Money(minorUnits: 1_000, currency: .cny)

    private func cny(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .cny) }

    private func refund(_ status: RefundStatus, _ state: Refund.ChannelState = .pending, amount: Int64 = 300) -> RefundSnapshot {
        RefundSnapshot(status: status, channelState: state, amount: cny(amount))
    }

    private func payment(_ status: PaymentStatus, refunded: Int64 = 0) -> RefundPaymentSnapshot {
        RefundPaymentSnapshot(status: status, amount: paymentAmount, refundedAmount: cny(refunded))
    }

    func testAcceptedMarksTheChannelStateOnce() {
        let first = RefundLifecycle.decide(refund(.processing), payment: payment(.succeeded), .channelAccepted)
        XCTAssertEqual(first.channelState, .accepted)
        XCTAssertNil(first.refundStatus)
        XCTAssertNil(first.merchantEvent)
        let again = RefundLifecycle.decide(refund(.processing, .accepted), payment: payment(.succeeded), .channelAccepted)
        XCTAssertFalse(again.writes)
        XCTAssertFalse(
            RefundLifecycle.decide(refund(.succeeded), payment: payment(.partiallyRefunded, refunded: 300), .channelAccepted).writes)
    }

    func testPartialSuccessMovesThePaymentToPartiallyRefundedWithPostingAndEvent() {
        let decision = RefundLifecycle.decide(
            refund(.processing), payment: payment(.succeeded), .channelSucceeded(channelRefundId: "ch-1", amount: cny(300)))
        XCTAssertEqual(decision.refundStatus, .succeeded)
        XCTAssertEqual(decision.channelRefundId, "ch-1")
        XCTAssertEqual(decision.paymentWrite, RefundPaymentWrite(source: .succeeded, target: .partiallyRefunded, refundedAmount: cny(300)))
        XCTAssertEqual(decision.posting, .reversal)
        XCTAssertEqual(decision.merchantEvent, .refundSucceeded)
        XCTAssertNil(decision.anomaly)
    }

    func testTheLastRefundMovesThePaymentToRefunded() {
        let fromPartial = RefundLifecycle.decide(
            refund(.processing, .accepted, amount: 700), payment: payment(.partiallyRefunded, refunded: 300),
            .channelSucceeded(channelRefundId: nil, amount: nil))
        XCTAssertEqual(
            fromPartial.paymentWrite, RefundPaymentWrite(source: .partiallyRefunded, target: .refunded, refundedAmount: cny(1_000)))
        let whole = RefundLifecycle.decide(
            refund(.processing, amount: 1_000), payment: payment(.succeeded), .channelSucceeded(channelRefundId: nil, amount: nil))
        XCTAssertEqual(whole.paymentWrite?.target, .refunded)
        let anotherPartial = RefundLifecycle.decide(
            refund(.processing, amount: 100), payment: payment(.partiallyRefunded, refunded: 300),
            .channelSucceeded(channelRefundId: nil, amount: nil))
        XCTAssertEqual(
            anotherPartial.paymentWrite,
            RefundPaymentWrite(source: .partiallyRefunded, target: .partiallyRefunded, refundedAmount: cny(400)))
    }

    func testDuplicatesChangeNothing() {
        XCTAssertFalse(
            RefundLifecycle.decide(
                refund(.succeeded), payment: payment(.partiallyRefunded, refunded: 300),
                .channelSucceeded(channelRefundId: "x", amount: cny(300))
            ).writes)
        XCTAssertFalse(RefundLifecycle.decide(refund(.failed), payment: payment(.succeeded), .channelFailed(failureCode: "X")).writes)
    }

    func testFailureFailsTheRefundAndLeavesThePaymentAlone() {
        let decision = RefundLifecycle.decide(
            refund(.processing, .accepted), payment: payment(.succeeded), .channelFailed(failureCode: "ABNORMAL"))
        XCTAssertEqual(decision.refundStatus, .failed)
        XCTAssertEqual(decision.failureCode, "ABNORMAL")
        XCTAssertNil(decision.paymentWrite)
        XCTAssertNil(decision.posting)
        XCTAssertEqual(decision.merchantEvent, .refundFailed)
    }

    func testContradictionsAreAnomaliesThatMoveNothing() {
        let cases: [(RefundSnapshot, RefundEvent, RefundAnomalyKind)] = [
            (refund(.processing), .channelSucceeded(channelRefundId: nil, amount: cny(301)), .amountMismatch),
            (refund(.succeeded), .channelSucceeded(channelRefundId: nil, amount: cny(299)), .amountMismatch),
            (refund(.failed), .channelSucceeded(channelRefundId: nil, amount: nil), .succeededAfterFailure),
            (refund(.succeeded), .channelFailed(failureCode: "X"), .failedAfterSuccess),
        ]
        for (stored, event, kind) in cases {
            let decision = RefundLifecycle.decide(stored, payment: payment(.partiallyRefunded, refunded: 300), event)
            XCTAssertEqual(decision.anomaly, kind, "\(stored.status) \(event)")
            XCTAssertNil(decision.refundStatus)
            XCTAssertNil(decision.paymentWrite)
            XCTAssertNil(decision.posting)
            XCTAssertNil(decision.merchantEvent)
            XCTAssertEqual(decision.anomaly?.refusesCallback, kind == .amountMismatch)
        }
    }

    func testASuccessThatWouldExceedThePaymentIsRefused() {
        let decision = RefundLifecycle.decide(
            refund(.processing, amount: 800), payment: payment(.partiallyRefunded, refunded: 300),
            .channelSucceeded(channelRefundId: nil, amount: nil))
        XCTAssertEqual(decision.anomaly, .exceedsPayment)
        XCTAssertNil(decision.paymentWrite)
    }

    /// Random reports (duplicates, contradictions, out of order) for five refunds of one payment.
    /// After every step: refunded_amount is the sum of succeeded refunds, never above the payment,
    /// one posting and one event per final refund, and the payment status matches the amount.
    func testSeededRandomReportsKeepTheMoneyStraight() {
        for seed in UInt64(1)...200 {
            var random = SplitMix64(seed: seed)
            let amounts: [Int64] = [100, 250, 300, 200, 150]  // 1000 in all
            var refunds = amounts.map { RefundSnapshot(status: .processing, channelState: .pending, amount: cny($0)) }
            var paid = payment(.succeeded)
            var postings = Array(repeating: 0, count: refunds.count)
            var events = Array(repeating: 0, count: refunds.count)
            for step in 0..<60 {
                let index = Int(random.next() % UInt64(refunds.count))
                let event: RefundEvent
                switch random.next() % 4 {
                case 0: event = .channelAccepted
                case 1: event = .channelSucceeded(channelRefundId: nil, amount: nil)
                case 2: event = .channelSucceeded(channelRefundId: nil, amount: refunds[index].amount)
                default: event = .channelFailed(failureCode: "F")
                }
                let decision = RefundLifecycle.decide(refunds[index], payment: paid, event)
                if let state = decision.channelState { refunds[index].channelState = state }
                if let status = decision.refundStatus { refunds[index].status = status }
                if let write = decision.paymentWrite {
                    XCTAssertEqual(write.source, paid.status, "seed \(seed) step \(step)")
                    paid.status = write.target
                    paid.refundedAmount = write.refundedAmount
                }
                if decision.posting != nil { postings[index] += 1 }
                if decision.merchantEvent != nil { events[index] += 1 }
                let succeeded = refunds.filter { $0.status == .succeeded }.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
                XCTAssertEqual(paid.refundedAmount.minorUnits, succeeded, "seed \(seed) step \(step)")
                XCTAssertLessThanOrEqual(paid.refundedAmount, paid.amount, "seed \(seed) step \(step)")
                for (refund, (posted, sent)) in zip(refunds, zip(postings, events)) {
                    XCTAssertEqual(posted, refund.status == .succeeded ? 1 : 0, "seed \(seed) step \(step)")
                    XCTAssertEqual(sent, refund.status.isFinal ? 1 : 0, "seed \(seed) step \(step)")
                }
                let expected: PaymentStatus =
                    succeeded == 0 ? .succeeded : (succeeded == paid.amount.minorUnits ? .refunded : .partiallyRefunded)
                XCTAssertEqual(paid.status, expected, "seed \(seed) step \(step)")
            }
        }
    }
}
