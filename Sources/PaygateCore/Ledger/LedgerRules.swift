/// When money moves in the journal, decided here and only here; stores post what these return,
/// in the transaction that writes the decision.
///
/// A payment posts once, when a decision takes it to `succeeded` (the state machine lets a payment
/// reach `succeeded` once, so the posting cannot repeat); a refund posts its reversal when the
/// refund succeeds (`RefundDecision.postLedger`). Nothing else moves money: an anomaly is a row
/// for review, and a late payment's automatic refund is money that never entered the ledger.
public enum LedgerRules {
    public static func postings(for decision: LifecycleDecision, payment: Payment, fee: ChannelFee) throws(LedgerError) -> [LedgerEntry] {
        guard decision.write?.target == .succeeded else { return [] }
        return [
            try LedgerEntry.paymentSucceeded(
                merchantId: payment.merchantId, paymentId: payment.id, channel: payment.channel, amount: payment.amount, fee: fee)
        ]
    }

    public static func postings(for decision: RefundDecision, refund: Refund, payment: Payment) throws(LedgerError) -> [LedgerEntry] {
        guard decision.postLedger else { return [] }
        precondition(decision.paymentWrite != nil && decision.refundStatus == .succeeded, "a refund posting without its status change")
        return [
            try LedgerEntry.refundSucceeded(
                merchantId: payment.merchantId, paymentId: payment.id, refundId: refund.id, channel: payment.channel, amount: refund.amount)
        ]
    }
}
