/// When money moves in the journal, decided here and only here; stores post what these return,
/// in the transaction that writes the decision.
///
/// A payment posts once, when a decision takes it to `succeeded` (the state machine lets a payment
/// reach `succeeded` once, so the posting cannot repeat); a merchant's refund posts its reversal
/// when it succeeds. A late payment (money taken for an order already closed or failed) posts what
/// the payer is owed when it is reported, with the refund that gives it back, and that refund
/// posts its return when it succeeds. An anomaly by itself moves nothing.
public enum LedgerRules {
    public static func postings(for decision: LifecycleDecision, payment: Payment, fee: ChannelFee) throws(LedgerError) -> [LedgerEntry] {
        guard decision.write?.target == .succeeded else { return [] }
        return [
            try LedgerEntry.paymentSucceeded(
                merchantId: payment.merchantId, paymentId: payment.id, channel: payment.channel, amount: payment.amount, fee: fee)
        ]
    }

    public static func postings(for decision: RefundDecision, refund: Refund, payment: Payment) throws(LedgerError) -> [LedgerEntry] {
        guard let posting = decision.posting else { return [] }
        precondition(decision.refundStatus == .succeeded, "a refund posting without its status change")
        switch posting {
        case .reversal:
            precondition(decision.paymentWrite != nil && refund.origin == .merchant, "a reversal without its payment's change")
            return [
                try LedgerEntry.refundSucceeded(
                    merchantId: payment.merchantId, paymentId: payment.id, refundId: refund.id, channel: payment.channel,
                    amount: refund.amount)
            ]
        case .latePaymentReturned:
            precondition(decision.paymentWrite == nil && refund.origin == .latePayment, "a late payment's return that changes its payment")
            return [
                try LedgerEntry.latePaymentReturned(
                    merchantId: payment.merchantId, paymentId: payment.id, refundId: refund.id, channel: payment.channel,
                    amount: refund.amount)
            ]
        }
    }

    /// A late payment, when its refund is made (`Refund.forLatePayment`): owed to the payer.
    public static func postings(forLatePaymentRefund refund: Refund, payment: Payment) throws(LedgerError) -> [LedgerEntry] {
        precondition(refund.origin == .latePayment, "a late payment posting for a merchant's refund")
        return [
            try LedgerEntry.latePaymentReceived(
                merchantId: payment.merchantId, paymentId: payment.id, refundId: refund.id, channel: payment.channel, amount: refund.amount)
        ]
    }
}
