import XCTest

@testable import PaygateCore

/// Fixed values for the lifecycle tests: one order of 12.30 CNY expiring at a known time.
enum LifecycleFixture {
    static let amount = Money(minorUnits: 1230, currency: .cny)
    static let createdAt = Timestamp(secondsSinceEpoch: 1_800_000_000)
    static let expiresAt = createdAt.adding(seconds: 900)
    static let beforeExpiry = createdAt.adding(seconds: 60)
    static let afterExpiry = expiresAt.adding(seconds: 1)
    static let paidAt = createdAt.adding(seconds: 30)
    static let recordedTransaction = "txn-recorded"

    static let paidStatuses: [PaymentStatus] = [.succeeded, .partiallyRefunded, .refunded]

    /// A payment in `status`; a paid one carries its recorded transaction id and paid_at.
    static func payment(_ status: PaymentStatus, lateRefunds: Set<String> = []) -> PaymentSnapshot {
        let paid = status.isPaid
        return PaymentSnapshot(
            status: status, amount: amount, channelTransactionId: paid ? recordedTransaction : nil, expiresAt: expiresAt,
            paidAt: paid ? paidAt : nil, lateRefundTransactionIds: lateRefunds
        )
    }

    static func paid(_ transactionId: String = recordedTransaction, amount: Money = amount) -> ChannelPaid {
        ChannelPaid(transactionId: transactionId, amount: amount, paidAt: paidAt)
    }

    static func decide(_ status: PaymentStatus, _ event: LifecycleEvent, now: Timestamp = beforeExpiry) -> LifecycleDecision {
        PaymentLifecycle.decide(payment(status), event, now: now)
    }
}

/// Asserts a decision field by field, so a failure names the field that differs.
func assertDecision(
    _ decision: LifecycleDecision, steps: [PaymentStatus]? = nil, events: [MerchantEventType] = [],
    anomalies: [PaymentAnomalyKind] = [], actions: [ChannelAction] = [], answer: LifecycleAnswer,
    _ label: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(decision.write?.steps, steps, "write steps \(label) (\(decision.reason))", file: file, line: line)
    XCTAssertEqual(decision.merchantEvents, events, "merchant events \(label)", file: file, line: line)
    XCTAssertEqual(decision.anomalies.map(\.kind), anomalies, "anomalies \(label)", file: file, line: line)
    XCTAssertEqual(decision.channelActions, actions, "channel actions \(label)", file: file, line: line)
    XCTAssertEqual(decision.answer, answer, "answer \(label)", file: file, line: line)
}
