import PaygateCore
import Storage

/// The expiry close run by the timeout worker, beside the merchant's close in
/// ChannelFlows.swift. `PaymentLifecycle` decides: a `created` payment never reached a payer and
/// closes here at once; a `processing` one is closed at the channel first (outside any
/// transaction), and the channel's answer is applied: closed there → `closed` here; already paid
/// → the payment's details are queried and it becomes `succeeded`.
extension GatewayHandler {
    /// Returns what happened, in a few words for the worker's log line.
    func expire(_ payment: Payment, requestId: String) throws -> String {
        guard let applied = try payments.apply(
            .closeRequested(by: .expiry), to: payment.id, merchantId: payment.merchantId, reason: "expiry", requestId: requestId)
        else { return "no such payment any more" }
        guard applied.decision.channelActions.contains(.closeAtChannel) else {
            return "\(applied.decision.reason) (now \(applied.payment.status.rawValue))"
        }
        let current = applied.payment
        let event: LifecycleEvent
        switch askChannelToClose(current, requestId: requestId) {
        case .unavailable(let reason):
            return "close at \(current.channel.rawValue) failed (\(reason)); tried again later"
        case .unsupported(let reason):
            return "\(current.channel.rawValue) cannot close it yet (\(reason)); tried again later"
        case .answered(let answer): event = answer
        }
        guard let answered = try payments.apply(event, to: current.id, merchantId: current.merchantId, reason: "expiry_close", requestId: requestId) else {
            return "no such payment any more"
        }
        // "Already paid" asks for a query, which records the payment as it was paid.
        try carryOut(answered, requestId: requestId)
        return "closed at \(current.channel.rawValue): \(answered.decision.reason)"
    }
}
