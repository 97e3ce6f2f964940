import Channels
import PaygateCore

extension Refunds {
    /// A verified refund notice from a channel. Answers whether to acknowledge it.
    func receive(_ notification: ChannelNotification, from channel: Channel, requestId: String) throws -> Bool {
        let refundText: String
        let event: RefundEvent
        switch notification {
        case .refundSucceeded(let refundId, let channelRefundId, let amount):
            refundText = refundId
            event = .channelSucceeded(channelRefundId: channelRefundId, amount: amount)
        case .refundFailed(let refundId, let code):
            refundText = refundId
            event = .channelFailed(failureCode: code)
        default:
            preconditionFailure("a payment notice given to the refund flow")
        }
        // Refund numbers that are not refund ids were given to late payments' refunds by an
        // earlier version (kept in payment_anomalies, settled there): acknowledged without effect.
        guard let refundId = RefundId(refundText) else {
            context.log.info(
                "callback \(channel.rawValue): refund notice for \(refundText) (not a merchant refund) acknowledged", requestId: requestId)
            return true
        }
        guard refundId.slot < context.payments.slotCount,
            let applied = try context.refunds.apply(
                event, to: refundId, channel: channel, reason: "callback_\(channel.rawValue)", requestId: requestId)
        else {
            context.log.warning("callback \(channel.rawValue) for unknown refund \(refundText) refused", requestId: requestId)
            return false
        }
        log(applied, requestId: requestId)
        return applied.decision.anomaly?.refusesCallback != true
    }
}
