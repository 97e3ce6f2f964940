import Channels
import PaygateCore

/// Asking the channel about a payment whose callback has not come (the worker, on the query
/// schedule; and right after a close the channel answered "already paid"), and carrying out the
/// channel actions a decision asks for.
public struct QueryPayment {
    let context: ServiceContext

    init(_ context: ServiceContext) { self.context = context }

    /// Asks the channel for a payment's state and applies a definite answer; anything else
    /// leaves the payment for the next point of its schedule.
    public func query(_ payment: Payment, requestId: String) throws {
        guard let channels = context.channels else { return }
        let reference = ChannelPaymentReference(paymentId: payment.id, amount: payment.amount, expiresAt: payment.expiresAt)
        let event: LifecycleEvent
        switch channels.query(reference, on: payment.channel, requestId: requestId) {
        case .unavailable, .unsupported: return
        case .answered(.unknown(let reason)):
            // Nothing is applied. The reason says why, e.g. a signed answer about another order
            // (the live connectors refuse to read one as ours): worth an operator's look.
            context.log.warning("query for \(payment.id.text): no definite answer, nothing applied (\(reason))", requestId: requestId)
            return
        case .answered(.paid(let paid)) where paid.paymentId != payment.id:
            // A signed answer about another order never settles this one.
            context.log.error("query for \(payment.id.text) answered for \(paid.paymentId.text): ignored", requestId: requestId)
            return
        case .answered(.paid(let paid)):
            event = .channelReportedPaid(
                ChannelPaid(transactionId: paid.channelTransactionId, amount: paid.amount, paidAt: paid.paidAt), from: .query)
        case .answered(.notPaid): event = .channelReportedNotPaid
        case .answered(.notFound): event = .channelReportedNotFound
        case .answered(.closed): event = .channelConfirmedClosed(from: .query)
        case .answered(.failed(let code)): event = .channelReportedFailed(failureCode: code, from: .query)
        }
        guard
            let applied = try context.payments.apply(
                event, to: payment.id, merchantId: payment.merchantId, channel: nil, nonce: nil, checkAfter: nil, reason: "query",
                requestId: requestId)
        else { return }
        // A query answer never asks for another query.
        logLateRefunds(applied, requestId: requestId)
    }

    /// Channel actions a decision asks for. A query is made at once and its answer applied; a
    /// late payment's refund was stored in the decision's transaction, due at once, and the
    /// worker sends it (`Refunds.retryDue`), always with the stored id and time. A close is made
    /// by the close flows themselves.
    func carryOut(_ applied: AppliedPaymentDecision, requestId: String) throws {
        if applied.decision.channelActions.contains(.queryPayment) {
            try query(applied.payment, requestId: requestId)
        }
        logLateRefunds(applied, requestId: requestId)
    }

    private func logLateRefunds(_ applied: AppliedPaymentDecision, requestId: String) {
        for case .refundLatePayment(let amount, let transactionId) in applied.decision.channelActions {
            context.log.warning(
                "late payment \(applied.payment.id.text) (\(transactionId), \(amount.text) \(amount.currency.rawValue)): its refund to the payer is due",
                requestId: requestId)
        }
    }
}
