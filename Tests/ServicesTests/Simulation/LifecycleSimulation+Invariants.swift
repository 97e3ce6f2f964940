import PaygateCore
import StorageMemory

/// The invariants of the lifecycle (docs/API.md sections 5 and 8), checked after every step on
/// what the store holds. Each returns a sentence naming what broke, or nil.
extension LifecycleSimulation {
    /// The write starts at the stored status and each step is one the transition table allows.
    static func checkWrite(_ decision: LifecycleDecision, from status: PaymentStatus) -> String? {
        guard let write = decision.write else { return nil }
        guard write.source == status else {
            return "write from \(write.source.rawValue) but the payment is \(status.rawValue)"
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

    func checkInvariants(before: Payment, index: Int, event: LifecycleEvent, decision: LifecycleDecision) -> String? {
        let simulated = payments[index]
        guard let payment = store.payment(simulated.id) else { return "the payment is gone" }
        if payment.amount != simulated.orderAmount { return "the order amount changed" }
        if let recorded = before.channelTransactionId, payment.channelTransactionId != recorded {
            return "channel_txn_id changed from \(recorded) to \(payment.channelTransactionId ?? "nil")"
        }
        if let recorded = before.paidAt, payment.paidAt != recorded { return "paid_at changed once set" }
        if payment.status.isPaid != (payment.channelTransactionId != nil) {
            return "status \(payment.status.rawValue) with channel_txn_id \(payment.channelTransactionId ?? "nil")"
        }
        if let broken = checkEventsAndPostings(payment) { return broken }
        if let broken = checkMoney(payment, simulated, event: event, decision: decision) { return broken }
        return nil
    }

    /// Exactly one payment.succeeded and one success posting per paid order, none for an unpaid
    /// one; a failed or closed event exactly when the payment is in that final status; one
    /// late_payment_received posting per late payment's refund, and nothing else in the journal.
    private func checkEventsAndPostings(_ payment: Payment) -> String? {
        let events = store.events(of: payment.id).map(\.type)
        let status = payment.status
        let want: [MerchantEventType: Int] = [
            .paymentSucceeded: status.isPaid ? 1 : 0, .paymentFailed: status == .failed ? 1 : 0, .paymentClosed: status == .closed ? 1 : 0,
            .refundSucceeded: 0, .refundFailed: 0,
        ]
        for (type, count) in want where events.count(where: { $0 == type }) != count {
            return "\(events.count(where: { $0 == type })) \(type.rawValue) events for a \(status.rawValue) payment (want \(count))"
        }
        let journal = store.journal(of: payment.id)
        let successes = journal.count { $0.kind == .paymentSucceeded }
        if successes != (status.isPaid ? 1 : 0) { return "\(successes) payment_succeeded postings for a \(status.rawValue) payment" }
        let lateRefunds = store.refunds(of: payment.id)
        let received = journal.count { $0.kind == .latePaymentReceived }
        if received != lateRefunds.count {
            return "\(received) late_payment_received postings for \(lateRefunds.count) late payments' refunds"
        }
        if journal.count != successes + received { return "postings of other kinds: \(journal.map(\.kind))" }
        return nil
    }

    /// The money is right: nothing succeeds on a wrong amount, a late payment is refunded at most
    /// once (by a refund of what the channel took), and a right payment paygate has heard of is
    /// never lost.
    private func checkMoney(
        _ payment: Payment, _ simulated: SimulatedPayment, event: LifecycleEvent, decision: LifecycleDecision
    ) -> String? {
        if let transactionId = payment.channelTransactionId, simulated.channelAmount(of: transactionId) != simulated.orderAmount {
            return "\(payment.status.rawValue) with transaction \(transactionId) whose amount is not the order's"
        }
        var refunded: [String: Int] = [:]
        for refund in store.refunds(of: payment.id) {
            guard refund.origin == .latePayment, let transactionId = refund.sourceTransactionId else { return "a refund nobody asked for" }
            refunded[transactionId, default: 0] += 1
            if refund.amount != simulated.channelAmount(of: transactionId) {
                return "late payment \(transactionId) refunded \(refund.amount.text)"
            }
        }
        for (transactionId, count) in refunded {
            if count > 1 { return "late payment \(transactionId) refunded \(count) times" }
            if transactionId == payment.channelTransactionId { return "refunded the recorded payment \(transactionId)" }
        }
        let flagged = Set(
            store.anomalies(of: payment.id).filter { $0.kind == PaymentAnomalyKind.conflictingTransactionId.rawValue }.map(\.transactionId))
        for transactionId in simulated.reportedRightPayments
        where payment.channelTransactionId != transactionId && refunded[transactionId] != 1 && !flagged.contains(transactionId) {
            return "payment \(transactionId) was reported and is neither recorded, refunded nor flagged"
        }
        if let paid = Self.paidReport(in: event), paid.amount != simulated.orderAmount {
            if decision.write != nil { return "a report with the wrong amount wrote \(decision.write?.target.rawValue ?? "")" }
            let kinds = decision.anomalies.map(\.kind)
            guard kinds.contains(.amountMismatch) || kinds.contains(.currencyMismatch) else {
                return "a wrong amount was not recorded as an anomaly"
            }
            if case .channelReportedPaid(_, .callback) = event, decision.answer != .refuse {
                return "a wrong-amount callback was not refused"
            }
        } else if case .channelReportedPaid(_, .callback) = event, decision.answer != .acknowledge {
            return "a right-amount paid callback was answered \(decision.answer.rawValue)"
        }
        return nil
    }
}
