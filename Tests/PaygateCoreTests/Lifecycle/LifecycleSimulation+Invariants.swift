@testable import PaygateCore

/// The invariants of the lifecycle (docs/API.md sections 5 and 8), checked after every step. Each
/// returns a sentence naming what broke, or nil.
extension LifecycleSimulation {
    /// The write starts at the stored status and each step is one the transition table allows.
    static func checkWrite(_ decision: LifecycleDecision, on snapshot: PaymentSnapshot) -> String? {
        guard let write = decision.write else { return nil }
        guard write.source == snapshot.status else {
            return "write from \(write.source.rawValue) but the payment is \(snapshot.status.rawValue)"
        }
        var current = write.source
        for step in write.steps {
            guard PaymentStateMachine.allows(from: current, to: step) else {
                return "illegal transition \(current.rawValue) -> \(step.rawValue)"
            }
            current = step
        }
        return nil
    }

    static func checkInvariants(before: PaymentSnapshot, after: SimulatedPayment, event: LifecycleEvent, decision: LifecycleDecision) -> String? {
        let payment = after.snapshot
        if payment.amount != after.orderAmount { return "the order amount changed" }
        if let recorded = before.channelTransactionId, payment.channelTransactionId != recorded {
            return "channel_txn_id changed from \(recorded) to \(payment.channelTransactionId ?? "nil")"
        }
        if let recorded = before.paidAt, payment.paidAt != recorded { return "paid_at changed once set" }
        if payment.status.isPaid != (payment.channelTransactionId != nil) { return "status \(payment.status.rawValue) with channel_txn_id \(payment.channelTransactionId ?? "nil")" }
        if let broken = checkMerchantEvents(after) { return broken }
        if let broken = checkMoney(after, event: event, decision: decision) { return broken }
        return nil
    }

    /// Exactly one payment.succeeded per paid order and none for an unpaid one; a failed or closed
    /// event exactly when the payment is in that final status, never twice.
    private static func checkMerchantEvents(_ payment: SimulatedPayment) -> String? {
        let status = payment.snapshot.status
        let expectedSucceeded = status.isPaid ? 1 : 0
        let expectedFailed = status == .failed ? 1 : 0
        let expectedClosed = status == .closed ? 1 : 0
        if payment.succeededEvents != expectedSucceeded || payment.failedEvents != expectedFailed || payment.closedEvents != expectedClosed || payment.refundEvents != 0 {
            return "events succeeded/failed/closed \(payment.succeededEvents)/\(payment.failedEvents)/\(payment.closedEvents) for a "
                + "\(status.rawValue) payment (expected \(expectedSucceeded)/\(expectedFailed)/\(expectedClosed))"
        }
        return nil
    }

    /// The money is right: nothing succeeds on a wrong amount, a late payment is refunded at most
    /// once, and a right payment paygate has heard of is never lost.
    private static func checkMoney(_ payment: SimulatedPayment, event: LifecycleEvent, decision: LifecycleDecision) -> String? {
        let snapshot = payment.snapshot
        if let transactionId = snapshot.channelTransactionId, payment.channelAmount(of: transactionId) != payment.orderAmount {
            return "\(snapshot.status.rawValue) with transaction \(transactionId) whose amount is not the order's"
        }
        for (transactionId, count) in payment.refundCountsByTransaction {
            if count > 1 { return "late payment \(transactionId) refunded \(count) times" }
            if transactionId == snapshot.channelTransactionId { return "refunded the recorded payment \(transactionId)" }
        }
        for transactionId in payment.reportedRightPayments {
            let recorded = snapshot.channelTransactionId == transactionId
            let refunded = payment.refundCountsByTransaction[transactionId] == 1
            let flagged = payment.flaggedTransactions.contains(transactionId)
            if !recorded, !refunded, !flagged { return "payment \(transactionId) was reported and is neither recorded, refunded nor flagged" }
        }
        if let paid = paidReport(in: event), paid.amount != payment.orderAmount {
            if decision.write != nil { return "a report with the wrong amount wrote \(decision.write?.target.rawValue ?? "")" }
            let kinds = decision.anomalies.map(\.kind)
            guard kinds.contains(.amountMismatch) || kinds.contains(.currencyMismatch) else { return "a wrong amount was not recorded as an anomaly" }
            if case .channelReportedPaid(_, .callback) = event, decision.answer != .refuse { return "a wrong-amount callback was not refused" }
        } else if case .channelReportedPaid(_, .callback) = event, decision.answer != .acknowledge {
            return "a right-amount paid callback was answered \(decision.answer.rawValue)"
        }
        return nil
    }
}
