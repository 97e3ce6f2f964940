import Channels
import PaygateCore

extension CreatePayment {
    /// A payment stored `created` (an identical repeat of a create whose prepay got no answer in
    /// an earlier version's flow): prepay it now. Accepted → processing with pay_url; a definite no
    /// → failed with failure_code; anything else → 503 channel_unavailable and it stays `created`.
    func prepay(_ payment: Payment, requestId: String) throws -> Payment {
        guard context.channels != nil, payment.status == .created, payment.risk?.decision.holdsPrepay != true else { return payment }
        let event = try askChannelToPrepay(payment, requestId: requestId)
        let checkAfter = context.schedule.afterPrepay(createdAt: payment.createdAt, expiresAt: payment.expiresAt)
        guard
            let applied = try context.payments.applyOnSnapshot(
                event, to: payment, checkAfter: checkAfter, reason: "prepay", requestId: requestId)
        else {
            throw APIError(.notFound, "No payment \(payment.id.text).")
        }
        try query.carryOut(applied, requestId: requestId)
        return applied.payment
    }

    /// The channel's definite answer to a prepay, as the lifecycle event to apply; anything else
    /// (unreachable, timed out, 5xx, an answer that does not verify) is 503 `channel_unavailable`.
    func askChannelToPrepay(_ payment: Payment, requestId: String) throws -> LifecycleEvent {
        guard let channels = context.channels else { throw APIError(.channelUnavailable, "No channels are configured.") }
        let order = PrepayOrder(
            paymentId: payment.id, amount: payment.amount, subject: payment.subject, expiresAt: payment.expiresAt,
            callbackURL: channels.callbackURL(for: payment.channel))
        switch channels.prepay(order, on: payment.channel, requestId: requestId) {
        case .unavailable(let reason), .unsupported(let reason):
            throw APIError(
                .channelUnavailable, "The \(payment.channel.rawValue) channel is unavailable (\(reason)); retry the same request.")
        case .answered(.unknown(let reason)):
            throw APIError(
                .channelUnavailable, "The \(payment.channel.rawValue) channel gave no definite answer (\(reason)); retry the same request.")
        case .answered(.accepted(let payload)): return .prepayAccepted(payload)
        case .answered(.rejected(let code)): return .prepayRejected(failureCode: code)
        }
    }
}
