import Channels
import PaygateCore

/// POST /callbacks/{channel}: a channel's asynchronous notice. Verified first (a forged,
/// undecryptable or unknown-order callback is refused in the channel's failure form and writes
/// nothing), then applied: payment notices by `PaymentLifecycle`, refund notices by `Refunds`.
public struct ChannelCallback {
    let context: ServiceContext
    let query: QueryPayment
    let refunds: Refunds

    init(_ context: ServiceContext, query: QueryPayment, refunds: Refunds) {
        self.context = context
        self.query = query
        self.refunds = refunds
    }

    /// The answer in the channel's form; 404 for a channel that is not configured.
    public func receive(_ request: HTTPRequest, from channel: Channel) throws -> HTTPResponse {
        guard let channels = context.channels, let verification = channels.verifyCallback(request, from: channel, now: context.clock.now())
        else {
            throw APIError(.notFound, "No such channel.")
        }
        let refuse = channels.acknowledgement(to: channel, accepted: false)
        let acknowledge = channels.acknowledgement(to: channel, accepted: true)
        let notification: ChannelNotification
        switch verification {
        case .rejected(let reason):
            context.log.warning("callback \(channel.rawValue) refused: \(reason)", requestId: request.requestId)
            context.securityEvents?.note(.callbackForged, targets: ["channel:\(channel.rawValue) ip:\(request.remoteAddress)"])
            return refuse
        case .verified(let verified): notification = verified
        }
        let paymentId: PaymentId
        let event: LifecycleEvent
        switch notification {
        case .paymentSucceeded(let paid):
            paymentId = paid.paymentId
            event = .channelReportedPaid(
                ChannelPaid(transactionId: paid.channelTransactionId, amount: paid.amount, paidAt: paid.paidAt), from: .callback)
        case .paymentFailed(let id, let code):
            paymentId = id
            event = .channelReportedFailed(failureCode: code, from: .callback)
        case .paymentClosed(let id):
            paymentId = id
            event = .channelConfirmedClosed(from: .callback)
        case .refundSucceeded, .refundFailed:
            let accepted = try refunds.receive(notification, from: channel, requestId: request.requestId)
            return accepted ? acknowledge : refuse
        case .noEffect:
            context.log.info("callback \(channel.rawValue): acknowledged without effect", requestId: request.requestId)
            return acknowledge
        }
        guard paymentId.slot < context.payments.slotCount,
            let applied = try context.payments.apply(
                event, to: paymentId, merchantId: nil, channel: channel, nonce: nil, checkAfter: nil,
                reason: "callback_\(channel.rawValue)",
                requestId: request.requestId)
        else {
            context.log.warning("callback \(channel.rawValue) for unknown payment \(paymentId.text) refused", requestId: request.requestId)
            return refuse
        }
        context.log.info("callback \(channel.rawValue) \(paymentId.text): \(applied.decision.reason)", requestId: request.requestId)
        try query.carryOut(applied, requestId: request.requestId)
        return applied.decision.answer == .refuse ? refuse : acknowledge
    }
}
