import Channels
import PaygateCore
import Storage

/// The gateway's conversations with channels: prepay (before a create's insert,
/// CreateFlow.swift), close at the channel before closing here, and callbacks. Each channel answer becomes a `LifecycleEvent`
/// applied by `PaymentStore.apply` in one transaction; every call out happens outside any
/// transaction.
extension GatewayHandler {
    /// A payment stored `created` (an identical repeat of a create whose prepay got no answer in
    /// an earlier version's flow): prepay it now. Accepted → processing with pay_url; a definite no
    /// → failed with failure_code; anything else → 503 channel_unavailable and it stays `created`.
    func prepay(_ payment: Payment, requestId: String) throws -> Payment {
        guard channels != nil, payment.status == .created else { return payment }
        let event = try askChannelToPrepay(payment, requestId: requestId)
        let checkAfter = configuration.queries.schedule.afterPrepay(createdAt: payment.createdAt, expiresAt: payment.expiresAt)
        guard let applied = try payments.applyOnSnapshot(event, to: payment, checkAfter: checkAfter, reason: "prepay", requestId: requestId) else {
            throw APIError(.notFound, "No payment \(payment.id.text).")
        }
        try carryOut(applied, requestId: requestId)
        return applied.payment
    }

    /// The channel's definite answer to a prepay, as the lifecycle event to apply; anything else
    /// (unreachable, timed out, 5xx, an answer that does not verify) is 503 `channel_unavailable`.
    func askChannelToPrepay(_ payment: Payment, requestId: String) throws -> LifecycleEvent {
        guard let channels else { throw APIError(.channelUnavailable, "No channels are configured.") }
        let order = PrepayOrder(
            paymentId: payment.id, amount: payment.amount, subject: payment.subject, expiresAt: payment.expiresAt,
            callbackURL: channels.runtime.callbackURL(for: payment.channel))
        let outcome = channels.call(
            payment.channel, requestId: requestId,
            build: { connector, now throws(ChannelError) in try connector.prepayRequest(order, now: now) },
            parse: { connector, response in connector.prepayResult(response) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
        switch outcome {
        case .unavailable(let reason), .unsupported(let reason):
            throw APIError(.channelUnavailable, "The \(payment.channel.rawValue) channel is unavailable (\(reason)); retry the same request.")
        case .answered(.unknown(let reason)):
            throw APIError(.channelUnavailable, "The \(payment.channel.rawValue) channel gave no definite answer (\(reason)); retry the same request.")
        case .answered(.accepted(let payURL)): return .prepayAccepted(payURL: payURL)
        case .answered(.rejected(let code)): return .prepayRejected(failureCode: code)
        }
    }

    /// The channel's answer to closing an order, as the lifecycle event to apply; or why there is
    /// none (nothing is written then). Shared by the merchant's close and the expiry close.
    enum CloseAtChannel {
        case answered(LifecycleEvent)
        case unavailable(String)
        case unsupported(String)
    }

    func askChannelToClose(_ payment: Payment, requestId: String) -> CloseAtChannel {
        guard let channels else { return .unavailable("no channels configured") }
        let reference = ChannelPaymentReference(paymentId: payment.id, amount: payment.amount, expiresAt: payment.expiresAt)
        let outcome = channels.call(
            payment.channel, requestId: requestId,
            build: { connector, now throws(ChannelError) in try connector.closeRequest(reference, now: now) },
            parse: { connector, response in connector.closeResult(response, for: payment.id) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
        switch outcome {
        case .unavailable(let reason): return .unavailable(reason)
        case .unsupported(let reason): return .unsupported(reason)
        case .answered(.unknown(let reason)): return .unavailable("no definite answer: \(reason)")
        case .answered(.closed): return .answered(.channelConfirmedClosed(from: .close))
        case .answered(.alreadyPaid): return .answered(.channelReportedPaidOnClose(nil))
        }
    }

    /// POST /v1/payments/{id}/close with channels: the order is closed at the channel first, so a
    /// payer cannot pay a payment we report closed; then here.
    func closeAtChannel(_ payment: Payment, nonce: RequestNonce, requestId: String) throws -> Payment {
        let event: LifecycleEvent
        switch askChannelToClose(payment, requestId: requestId) {
        case .unavailable(let reason):
            throw APIError(.channelUnavailable, "The \(payment.channel.rawValue) channel could not close the payment (\(reason)); it is not closed: retry.")
        case .unsupported(let reason):
            throw APIError(.invalidState, "The \(payment.channel.rawValue) channel cannot close this payment now: \(reason)")
        case .answered(let answer): event = answer
        }
        guard let applied = try payments.apply(event, to: payment.id, merchantId: payment.merchantId, nonce: nonce, reason: "merchant_close", requestId: requestId) else {
            throw APIError(.notFound, "No payment \(payment.id.text).")
        }
        try carryOut(applied, requestId: requestId)
        return applied.payment
    }

    /// POST /callbacks/{channel}: verify first (a forged, undecryptable or unknown-order callback
    /// is refused in the channel's failure form and writes nothing), then apply.
    func callback(_ request: HTTPRequest, channel: Channel) throws -> HTTPResponse {
        guard let caller = channels, let connector = caller.runtime.connectors[channel] else {
            throw APIError(.notFound, "No such channel.")
        }
        let refuse = connector.callbackAcknowledgement(accepted: false)
        let acknowledge = connector.callbackAcknowledgement(accepted: true)
        let notification: ChannelNotification
        switch connector.verifyCallback(request, now: .now()) {
        case .rejected(let reason):
            log.warning("callback \(channel.rawValue) refused: \(reason)", requestId: request.requestId)
            return refuse
        case .verified(let verified): notification = verified
        }
        let paymentId: PaymentId
        let event: LifecycleEvent
        switch notification {
        case .paymentSucceeded(let paid):
            paymentId = paid.paymentId
            event = .channelReportedPaid(ChannelPaid(transactionId: paid.channelTransactionId, amount: paid.amount, paidAt: paid.paidAt), from: .callback)
        case .paymentFailed(let id, let code):
            paymentId = id
            event = .channelReportedFailed(failureCode: code, from: .callback)
        case .paymentClosed(let id):
            paymentId = id
            event = .channelConfirmedClosed(from: .callback)
        case .refundSucceeded, .refundFailed:
            let accepted = try refundCallback(notification, channel: channel, requestId: request.requestId) ?? false
            return accepted ? acknowledge : refuse
        case .noEffect:
            log.info("callback \(channel.rawValue): acknowledged without effect", requestId: request.requestId)
            return acknowledge
        }
        guard paymentId.slot < shards.map.slotCount,
              let applied = try payments.apply(event, to: paymentId, merchantId: nil, channel: channel, reason: "callback_\(channel.rawValue)", requestId: request.requestId) else {
            log.warning("callback \(channel.rawValue) for unknown payment \(paymentId.text) refused", requestId: request.requestId)
            return refuse
        }
        log.info("callback \(channel.rawValue) \(paymentId.text): \(applied.decision.reason)", requestId: request.requestId)
        try carryOut(applied, requestId: request.requestId)
        return applied.decision.answer == .refuse ? refuse : acknowledge
    }

    /// Channel actions a decision asks for. A query is made at once and its answer applied; a
    /// late payment's refund is left to the timeout worker (LateRefunds.swift).
    func carryOut(_ applied: PaymentStore.Applied, requestId: String) throws {
        for action in applied.decision.channelActions {
            switch action {
            case .queryPayment:
                try query(applied.payment, requestId: requestId)
            case .refundLatePayment(let amount, let transactionId):
                // Recorded `pending` in the decision's transaction; the timeout worker asks the
                // channel on its next pass (always with the stored id and time), and again until
                // the channel gives a final answer.
                log.warning("late payment \(applied.payment.id.text) (\(transactionId), \(amount.text) \(amount.currency.rawValue)): refund pending", requestId: requestId)
            case .closeAtChannel:
                break  // The close flow itself makes this call.
            }
        }
    }

    /// Asks the channel for a payment's state and applies a definite answer.
    func query(_ payment: Payment, requestId: String) throws {
        guard let channels else { return }
        let reference = ChannelPaymentReference(paymentId: payment.id, amount: payment.amount, expiresAt: payment.expiresAt)
        let outcome = channels.call(
            payment.channel, requestId: requestId,
            build: { connector, now throws(ChannelError) in try connector.queryRequest(reference, now: now) },
            parse: { connector, response in connector.queryResult(response, for: payment.id) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
        let event: LifecycleEvent
        switch outcome {
        case .unavailable, .unsupported: return
        case .answered(.unknown(let reason)):
            // Nothing is applied. The reason says why, e.g. a signed answer about another order
            // (the connector refuses to read one as ours): worth an operator's look.
            log.warning("query for \(payment.id.text): no definite answer, nothing applied (\(reason))", requestId: requestId)
            return
        case .answered(.paid(let paid)):
            event = .channelReportedPaid(ChannelPaid(transactionId: paid.channelTransactionId, amount: paid.amount, paidAt: paid.paidAt), from: .query)
        case .answered(.notPaid): event = .channelReportedNotPaid
        case .answered(.notFound): event = .channelReportedNotFound
        case .answered(.closed): event = .channelConfirmedClosed(from: .query)
        case .answered(.failed(let code)): event = .channelReportedFailed(failureCode: code, from: .query)
        }
        if let applied = try payments.apply(event, to: payment.id, merchantId: payment.merchantId, reason: "query", requestId: requestId) {
            // A query answer never asks for another query; other actions are logged as above.
            for action in applied.decision.channelActions where action != .queryPayment {
                if case .refundLatePayment = action { try carryOut(applied, requestId: requestId) }
            }
        }
    }
}
