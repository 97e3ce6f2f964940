import Channels
import PaygateCore
import Storage

/// Money a channel took for an order we closed or failed goes back to the payer automatically
/// (README "Channels"). The refund is recorded `pending` with a fixed id in the same transaction
/// as the anomaly; the timeout worker asks the channel for it, and again until the channel gives
/// a final answer. A fixed id makes every retry the same
/// refund at the channel, so the payer is refunded once.
extension GatewayHandler {
    /// Named limits for the worker's pass over late refunds.
    static let lateRefundRetrySeconds = 10
    static let lateRefundBatchMax = 16

    func refundLate(_ refund: PaymentStore.LateRefund, payment: Payment, requestId: String) {
        guard let channels else { return }
        let order = RefundOrder(
            refundId: refund.refundId, paymentId: refund.paymentId, channelTransactionId: refund.transactionId,
            amount: refund.amount, paymentAmount: payment.amount, reason: "paid after the order was closed",
            callbackURL: channels.runtime.callbackURL(for: payment.channel), createdAt: refund.createdAt)
        let processing = refund.state == "processing"
        let outcome = channels.call(
            payment.channel, requestId: requestId,
            build: { connector, now throws(ChannelError) in
                processing
                    ? try connector.refundQueryRequest(ChannelRefundReference(refundId: order.refundId, paymentId: order.paymentId, createdAt: order.createdAt), now: now)
                    : try connector.refundRequest(order, now: now)
            },
            parse: { connector, response in processing ? connector.refundQueryResult(response) : connector.refundResult(response) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
        let state: String
        switch outcome {
        case .unavailable(let reason), .unsupported(let reason), .answered(.unknown(let reason)):
            log.warning("late refund \(refund.refundId) of \(payment.id.text): no answer (\(reason)); retried later", requestId: requestId)
            return
        case .answered(.succeeded): state = "succeeded"
        case .answered(.processing): state = "processing"
        case .answered(.failed(let code)):
            state = "failed"
            log.error("late refund \(refund.refundId) of \(payment.id.text) refused by the channel (\(code)): needs an operator", requestId: requestId)
        }
        do {
            try payments.recordLateRefund(paymentId: refund.paymentId, refundId: refund.refundId, state: state)
            log.info("late refund \(refund.refundId) of \(payment.id.text): \(state)", requestId: requestId)
        } catch {
            log.warning("late refund \(refund.refundId): state not recorded (\(error)); retried later", requestId: requestId)
        }
    }

    /// The worker's pass over one shard's due late refunds. Returns how many were tried.
    public func retryLateRefunds(shard: Int, requestId: String) -> Int {
        guard channels != nil else { return 0 }
        let due: [PaymentStore.LateRefund]
        do {
            due = try payments.claimLateRefunds(
                shard: shard, now: .now(), retryAfterSeconds: GatewayHandler.lateRefundRetrySeconds, limit: GatewayHandler.lateRefundBatchMax)
        } catch {
            log.warning("late refunds on \(shards.shardNames[shard]) skipped this round: \(error)", requestId: requestId)
            return 0
        }
        for refund in due {
            guard let payment = try? payments.findAny(id: refund.paymentId) else { continue }
            refundLate(refund, payment: payment, requestId: requestId)
        }
        return due.count
    }
}
