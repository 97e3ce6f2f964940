import Channels
import PaygateCore

/// A merchant's close (docs/API.md section 5): only an unpaid payment closes; closing a closed
/// one answers it again. With channels the lifecycle decides, and an open order is closed at its
/// channel first, so a payer cannot pay a payment we report closed.
public struct ClosePayment {
    let context: ServiceContext
    let query: QueryPayment

    init(_ context: ServiceContext, query: QueryPayment) {
        self.context = context
        self.query = query
    }

    /// The payment as the close leaves it; 404 for an unknown one or another merchant's.
    public func close(_ id: PaymentId, merchantId: String, nonce: RequestNonce, requestId: String) throws -> Payment {
        guard id.slot < context.payments.slotCount else { throw APIError(.notFound, "No payment \(id.text).") }
        guard
            let applied = try context.payments.apply(
                .closeRequested(by: .merchant), to: id, merchantId: merchantId, channel: nil, nonce: nil, checkAfter: nil,
                reason: "merchant_close", requestId: requestId)
        else {
            throw APIError(.notFound, "No payment \(id.text).")
        }
        if applied.decision.answer == .invalidState {
            throw APIError(.invalidState, "A payment in status \(applied.payment.status.rawValue) cannot be closed.")
        }
        guard applied.decision.channelActions.contains(.closeAtChannel) else {
            // Already closed: answered again; the nonce still marks the request as used.
            guard try context.payments.recordNonce(nonce, slot: id.slot) else { throw NonceReused() }
            return applied.payment
        }
        let answered = try closeAtChannel(applied.payment, nonce: nonce, requestId: requestId)
        // "Already paid" at the channel was followed by a query that may have settled it.
        let payment = try context.payments.find(id: id, merchantId: merchantId) ?? answered
        if payment.status.isPaid {
            throw APIError(.invalidState, "The payer paid before the close reached the channel: the payment is \(payment.status.rawValue).")
        }
        guard payment.status == .closed else {
            throw APIError(.channelUnavailable, "The channel did not confirm the close; retry.")
        }
        return payment
    }

    /// Closes the order at the channel, then here; the channel's "already paid" is applied as
    /// such (and queried for its details).
    private func closeAtChannel(_ payment: Payment, nonce: RequestNonce, requestId: String) throws -> Payment {
        let event: LifecycleEvent
        if payment.status == .created, payment.risk?.decision.holdsPrepay == true {
            // Held for review (README "Risk"): the channel was never asked, nothing to close there.
            return try apply(.channelCannotClose, to: payment, nonce: nonce, requestId: requestId)
        }
        switch askChannelToClose(payment, requestId: requestId) {
        case .unavailable(let reason):
            throw APIError(
                .channelUnavailable,
                "The \(payment.channel.rawValue) channel could not close the payment (\(reason)); it is not closed: retry.")
        case .unsupported:
            // No close there before the order expires by itself: closed here (`channelCannotClose`).
            event = .channelCannotClose
        case .answered(let answer): event = answer
        }
        return try apply(event, to: payment, nonce: nonce, requestId: requestId)
    }

    private func apply(_ event: LifecycleEvent, to payment: Payment, nonce: RequestNonce, requestId: String) throws -> Payment {
        guard
            let applied = try context.payments.apply(
                event, to: payment.id, merchantId: payment.merchantId, channel: nil, nonce: nonce, checkAfter: nil,
                reason: "merchant_close",
                requestId: requestId)
        else {
            throw APIError(.notFound, "No payment \(payment.id.text).")
        }
        try query.carryOut(applied, requestId: requestId)
        return applied.payment
    }

    /// The channel's answer to closing an order, as the lifecycle event to apply; or why there is
    /// none (nothing is written then). Shared by the merchant's close and the expiry close.
    enum ChannelCloseAnswer {
        case answered(LifecycleEvent)
        case unavailable(String)
        case unsupported(String)
    }

    func askChannelToClose(_ payment: Payment, requestId: String) -> ChannelCloseAnswer {
        // Without channels no channel holds an order for it (payments stay `created`): there is
        // nothing to close there, and nobody can have paid.
        guard let channels = context.channels else { return .answered(.channelConfirmedClosed(from: .close)) }
        let reference = ChannelPaymentReference(paymentId: payment.id, amount: payment.amount, expiresAt: payment.expiresAt)
        switch channels.close(reference, on: payment.channel, requestId: requestId) {
        case .unavailable(let reason): return .unavailable(reason)
        case .unsupported(let reason): return .unsupported(reason)
        case .answered(.unknown(let reason)): return .unavailable("no definite answer: \(reason)")
        case .answered(.closed): return .answered(.channelConfirmedClosed(from: .close))
        case .answered(.alreadyPaid): return .answered(.channelReportedPaidOnClose(nil))
        }
    }
}
