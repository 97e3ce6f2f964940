import Channels
import PaygateCore

/// Merchant refunds (docs/API.md section 6). The refund is written `processing` (reserving its
/// amount) and committed before the channel is asked, so a crash or timeout after that point
/// leaves a refund the worker finishes, never money moved without a record. Each channel answer
/// becomes a `RefundEvent` applied in one transaction; the call itself happens outside any.
///
/// A refund the channel has not acknowledged yet (`channel_state` pending: the call timed out, the
/// channel was down, or this process died after the commit) is sent again with the same refund
/// id, which every channel treats as the same refund, so the payer is refunded once. Only after
/// the channel acknowledged it do we ask for its result by query: a query for a refund the
/// channel never received could otherwise read "no such refund" as a failure while the first
/// request is still on its way.
public struct Refunds {
    let context: ServiceContext

    init(_ context: ServiceContext) { self.context = context }

    /// The refund as the channel left it (`isNew`), or the identical one that existed.
    public struct Outcome {
        public var refund: Refund
        public var isNew: Bool
    }

    public func create(_ body: CreateRefundRequest, merchantId: String, nonce: RequestNonce, requestId: String) throws -> Outcome {
        guard body.paymentId.slot < context.payments.slotCount else { throw APIError(.notFound, "No payment \(body.paymentId.text).") }
        let outcome: RefundCreateOutcome
        do {
            outcome = try context.refunds.create(body, merchantId: merchantId, nonce: nonce, requestId: requestId)
        } catch let refusal as RefundRefusal {
            throw refusal.apiError(paymentId: body.paymentId, merchantRefundNo: body.merchantRefundNo)
        }
        switch outcome {
        case .created(let refund, let payment):
            return Outcome(refund: submit(refund, payment: payment, requestId: requestId), isNew: true)
        case .existing(let refund):
            return Outcome(refund: refund, isNew: false)
        }
    }

    /// Asks the channel to carry out (or report on) a refund and applies a definite answer.
    /// Returns the refund as it stands afterwards; operating errors are logged and leave it for
    /// the worker.
    func submit(_ refund: Refund, payment: Payment, requestId: String) -> Refund {
        guard let channels = context.channels, refund.status == .processing else { return refund }
        let asking = refund.channelState == .accepted
        let call: ChannelCall<RefundResult>
        if asking {
            let reference = ChannelRefundReference(
                refundId: refund.id.text, paymentId: payment.id, amount: refund.amount, createdAt: refund.createdAt)
            call = channels.queryRefund(reference, on: payment.channel, requestId: requestId)
        } else {
            let order = RefundOrder(
                refundId: refund.id.text, paymentId: payment.id,
                channelTransactionId: refund.sourceTransactionId ?? payment.channelTransactionId,
                amount: refund.amount, paymentAmount: payment.amount, reason: refund.reason,
                callbackURL: channels.callbackURL(for: payment.channel), createdAt: refund.createdAt)
            call = channels.refund(order, on: payment.channel, requestId: requestId)
        }
        let event: RefundEvent
        switch call {
        case .unavailable(let reason), .unsupported(let reason), .answered(.unknown(let reason)):
            context.log.warning(
                "refund \(refund.id.text) of \(payment.id.text): no answer from \(payment.channel.rawValue) (\(reason)); the worker tries again",
                requestId: requestId)
            return refund
        case .answered(.succeeded(let channelRefundId)): event = .channelSucceeded(channelRefundId: channelRefundId, amount: nil)
        case .answered(.processing): event = .channelAccepted
        case .answered(.failed(let code)): event = .channelFailed(failureCode: code)
        }
        return apply(event, to: refund, reason: asking ? "refund_query" : "refund_answer", requestId: requestId)
    }

    /// Applies a channel's word on a refund; on a storage failure the refund stays as it was for
    /// the worker (the channel will say the same again).
    private func apply(_ event: RefundEvent, to refund: Refund, reason: String, requestId: String) -> Refund {
        do {
            guard let applied = try context.refunds.apply(event, to: refund.id, channel: nil, reason: reason, requestId: requestId) else {
                return refund
            }
            log(applied, requestId: requestId)
            return applied.refund
        } catch {
            context.log.warning("refund \(refund.id.text): \(reason) not recorded (\(error)); the worker tries again", requestId: requestId)
            return refund
        }
    }

    func log(_ applied: AppliedRefundDecision, requestId: String) {
        let line =
            "refund \(applied.refund.id.text) of \(applied.payment.id.text): \(applied.decision.reason) -> \(applied.refund.status.rawValue), payment \(applied.payment.status.rawValue)"
        if let anomaly = applied.decision.anomaly {
            context.log.error(line + " (anomaly \(anomaly.rawValue): needs an operator)", requestId: requestId)
        } else {
            context.log.info(line, requestId: requestId)
        }
    }
}
