import PaygateCore

/// The expiry close run by the timeout worker, beside the merchant's close. `PaymentLifecycle`
/// decides: a `created` payment never reached a payer and closes here at once; a `processing` one
/// is closed at the channel first (outside any transaction), and the channel's answer is applied:
/// closed there → `closed` here; already paid → the payment's details are queried and it becomes
/// `succeeded`.
public struct ExpirePayment {
    let context: ServiceContext
    let close: ClosePayment
    let query: QueryPayment

    init(_ context: ServiceContext, close: ClosePayment, query: QueryPayment) {
        self.context = context
        self.close = close
        self.query = query
    }

    /// Returns what happened, in a few words for the worker's log line.
    public func expire(_ payment: Payment, requestId: String) throws -> String {
        guard
            let applied = try context.payments.apply(
                .closeRequested(by: .expiry), to: payment.id, merchantId: payment.merchantId, channel: nil, nonce: nil, checkAfter: nil,
                reason: "expiry", requestId: requestId)
        else { return "no such payment any more" }
        guard applied.decision.channelActions.contains(.closeAtChannel) else {
            return "\(applied.decision.reason) (now \(applied.payment.status.rawValue))"
        }
        let current = applied.payment
        let event: LifecycleEvent
        switch close.askChannelToClose(current, requestId: requestId) {
        case .unavailable(let reason):
            return "close at \(current.channel.rawValue) failed (\(reason)); tried again later"
        case .unsupported(let reason):
            return "\(current.channel.rawValue) cannot close it yet (\(reason)); tried again later"
        case .answered(let answer): event = answer
        }
        guard
            let answered = try context.payments.apply(
                event, to: current.id, merchantId: current.merchantId, channel: nil, nonce: nil, checkAfter: nil, reason: "expiry_close",
                requestId: requestId)
        else {
            return "no such payment any more"
        }
        // "Already paid" asks for a query, which records the payment as it was paid.
        try query.carryOut(answered, requestId: requestId)
        return "closed at \(current.channel.rawValue): \(answered.decision.reason)"
    }
}
