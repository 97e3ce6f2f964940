import Channels
import PaygateCore

/// Money a channel took for an order we closed or failed goes back to the payer automatically
/// (`PaymentAnomalyKind.refundsPayer`). The refund is recorded `pending` with a fixed id in the
/// same transaction as the anomaly; the worker asks the channel for it here, and again until the
/// channel gives a final answer. A fixed id makes every retry the same refund at the channel, so
/// the payer is refunded once.
public struct LateRefunds {
    /// Named limits for the worker's pass over late refunds.
    static let retrySeconds = 10
    static let batchMax = 16

    let context: ServiceContext

    init(_ context: ServiceContext) { self.context = context }

    /// The worker's pass over one shard's due late refunds. Returns how many were tried.
    public func retryDue(shard: Int, requestId: String) -> Int {
        guard context.channels != nil else { return 0 }
        let due: [LateRefundDue]
        do {
            due = try context.payments.claimLateRefunds(
                shard: shard, now: context.clock.now(), retryAfterSeconds: LateRefunds.retrySeconds, limit: LateRefunds.batchMax)
        } catch {
            context.log.warning("late refunds on \(context.payments.shardName(shard)) skipped this round: \(error)", requestId: requestId)
            return 0
        }
        for refund in due {
            guard let payment = try? context.payments.findAny(id: refund.paymentId) else { continue }
            send(refund, payment: payment, requestId: requestId)
        }
        return due.count
    }

    private func send(_ refund: LateRefundDue, payment: Payment, requestId: String) {
        guard let channels = context.channels else { return }
        let call: ChannelCall<RefundResult>
        if refund.state == "processing" {
            let reference = ChannelRefundReference(refundId: refund.refundId, paymentId: refund.paymentId, createdAt: refund.createdAt)
            call = channels.queryRefund(reference, on: payment.channel, requestId: requestId)
        } else {
            let order = RefundOrder(
                refundId: refund.refundId, paymentId: refund.paymentId, channelTransactionId: refund.transactionId,
                amount: refund.amount, paymentAmount: payment.amount, reason: "paid after the order was closed",
                callbackURL: channels.callbackURL(for: payment.channel), createdAt: refund.createdAt)
            call = channels.refund(order, on: payment.channel, requestId: requestId)
        }
        let state: String
        switch call {
        case .unavailable(let reason), .unsupported(let reason), .answered(.unknown(let reason)):
            context.log.warning("late refund \(refund.refundId) of \(payment.id.text): no answer (\(reason)); retried later", requestId: requestId)
            return
        case .answered(.succeeded): state = "succeeded"
        case .answered(.processing): state = "processing"
        case .answered(.failed(let code)):
            state = "failed"
            context.log.error(
                "late refund \(refund.refundId) of \(payment.id.text) refused by the channel (\(code)): needs an operator", requestId: requestId)
        }
        do {
            try context.payments.recordLateRefund(paymentId: refund.paymentId, refundId: refund.refundId, state: state)
            context.log.info("late refund \(refund.refundId) of \(payment.id.text): \(state)", requestId: requestId)
        } catch {
            context.log.warning("late refund \(refund.refundId): state not recorded (\(error)); retried later", requestId: requestId)
        }
    }
}
