import Channels
import PaygateCore
import Storage

/// Refunds at the channel. Each channel answer becomes a `RefundEvent` applied
/// by `RefundStore.apply` in one transaction; the call itself happens outside any transaction.
///
/// A refund the channel has not acknowledged yet (`channel_state` pending: the call timed out, the
/// channel was down, or this process died after the commit) is sent again with the same refund
/// id, which every channel treats as the same refund, so the payer is refunded once. Only after
/// the channel acknowledged it do we ask for its result by query: a query for a refund the
/// channel never received could otherwise read "no such refund" as a failure while the first
/// request is still on its way.
extension GatewayHandler {
    /// Asks the channel to carry out (or report on) a refund and applies a definite answer.
    /// Returns the refund as it stands afterwards; operating errors are logged and leave it for
    /// the worker.
    func submitRefund(_ refund: Refund, payment: Payment, requestId: String) -> Refund {
        guard let channels, refund.status == .processing else { return refund }
        let order = RefundOrder(
            refundId: refund.id.text, paymentId: payment.id, channelTransactionId: payment.channelTransactionId,
            amount: refund.amount, paymentAmount: payment.amount, reason: refund.reason,
            callbackURL: channels.runtime.callbackURL(for: payment.channel), createdAt: refund.createdAt)
        let asking = refund.channelState == .accepted
        let outcome = channels.call(
            payment.channel, requestId: requestId,
            build: { connector, now throws(ChannelError) in
                asking
                    ? try connector.refundQueryRequest(ChannelRefundReference(refundId: order.refundId, paymentId: order.paymentId, createdAt: order.createdAt), now: now)
                    : try connector.refundRequest(order, now: now)
            },
            parse: { connector, response in asking ? connector.refundQueryResult(response) : connector.refundResult(response) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
        let event: RefundEvent
        switch outcome {
        case .unavailable(let reason), .unsupported(let reason), .answered(.unknown(let reason)):
            log.warning("refund \(refund.id.text) of \(payment.id.text): no answer from \(payment.channel.rawValue) (\(reason)); the worker tries again", requestId: requestId)
            return refund
        case .answered(.succeeded(let channelRefundId)): event = .channelSucceeded(channelRefundId: channelRefundId, amount: nil)
        case .answered(.processing): event = .channelAccepted
        case .answered(.failed(let code)): event = .channelFailed(failureCode: code)
        }
        return applyRefund(event, to: refund, reason: asking ? "refund_query" : "refund_answer", requestId: requestId)
    }

    /// Applies a channel's word on a refund; on a storage failure the refund stays as it was for
    /// the worker (the channel will say the same again).
    private func applyRefund(_ event: RefundEvent, to refund: Refund, reason: String, requestId: String) -> Refund {
        do {
            guard let applied = try refunds.apply(event, to: refund.id, reason: reason, requestId: requestId) else { return refund }
            logRefund(applied, requestId: requestId)
            return applied.refund
        } catch {
            log.warning("refund \(refund.id.text): \(reason) not recorded (\(error)); the worker tries again", requestId: requestId)
            return refund
        }
    }

    func logRefund(_ applied: RefundStore.Applied, requestId: String) {
        let line = "refund \(applied.refund.id.text) of \(applied.payment.id.text): \(applied.decision.reason) -> \(applied.refund.status.rawValue), payment \(applied.payment.status.rawValue)"
        if let anomaly = applied.decision.anomaly {
            log.error(line + " (anomaly \(anomaly): needs an operator)", requestId: requestId)
        } else {
            log.info(line, requestId: requestId)
        }
    }

    /// A verified refund callback. Answers whether to acknowledge it (nil: not one of ours).
    func refundCallback(_ notification: ChannelNotification, channel: Channel, requestId: String) throws -> Bool? {
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
            return nil
        }
        // Late-payment refunds carry their own fixed ids and are settled by the worker's
        // query: their notices are acknowledged without effect.
        guard let refundId = RefundId(refundText) else {
            log.info("callback \(channel.rawValue): refund notice for \(refundText) (not a merchant refund) acknowledged", requestId: requestId)
            return true
        }
        guard refundId.slot < shards.map.slotCount,
              let applied = try refunds.apply(event, to: refundId, channel: channel, reason: "callback_\(channel.rawValue)", requestId: requestId) else {
            log.warning("callback \(channel.rawValue) for unknown refund \(refundText) refused", requestId: requestId)
            return false
        }
        logRefund(applied, requestId: requestId)
        // A wrong amount is refused like a wrong payment amount: recorded, never applied.
        return applied.decision.anomaly != "refund_amount_mismatch"
    }

    /// The worker's pass over one shard's due refunds. Returns how many it looked at.
    public func retryRefunds(shard: Int, leaseSeconds: Int64, nextCheckSeconds: Int64, limit: Int, requestId: String) -> Int {
        guard channels != nil else { return 0 }
        let due: [Refund]
        do {
            due = try refunds.claimDue(shard: shard, now: .now(), leaseSeconds: leaseSeconds, limit: limit)
        } catch {
            log.warning("refunds on \(shards.shardNames[shard]) skipped this round: \(error)", requestId: requestId)
            return 0
        }
        for refund in due {
            do {
                guard let payment = try payments.findAny(id: refund.paymentId) else { continue }
                log.info("refund \(refund.id.text): no final answer yet; asking \(refund.channel.rawValue)", requestId: requestId)
                let after = submitRefund(refund, payment: payment, requestId: requestId)
                if after.status == .processing {
                    try refunds.scheduleCheck(refund.id, at: Timestamp.now().adding(seconds: nextCheckSeconds))
                }
            } catch {
                log.warning("refund \(refund.id.text): \(error); due again when its lease ends", requestId: requestId)
            }
        }
        return due.count
    }
}
