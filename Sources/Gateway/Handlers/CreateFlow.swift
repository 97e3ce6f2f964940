import PaygateCore
import Storage

/// A create: the channel is asked first, with nothing written, and the payment is stored in one
/// transaction with the channel's answer in it.
///
/// Why in this order: a prepay that fails (channel down, timed out, unverifiable) then leaves
/// nothing behind, as API.md section 3 says of every error, and an accepted one costs one write
/// transaction instead of two. Nothing is read first either: the insert's unique keys find an
/// order that exists and a replayed request, and a read before every prepay cost more database
/// time (about half an insert, `make bench` (c)) than the rare repeat it would spare a channel
/// call. The channel may therefore hold an order we never stored (a repeat or a replay of an
/// order we have, an insert that lost to a concurrent identical create, a process that died after
/// the prepay): nobody can pay it, because its pay URL or QR content is handed out only in the
/// answer that follows the insert, and the channel lets it expire at `expires_at` like any unpaid
/// order.
extension GatewayHandler {
    func createAfterPrepay(
        slot: Int, merchantId: String, body: CreatePaymentRequest, auth: AuthenticatedRequest, requestId: String
    ) throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let created = try newPayment(slot: slot, merchantId: merchantId, body: body)
            let event = try askChannelToPrepay(created, requestId: requestId)
            do {
                return try store(created, after: event, auth: auth, body: body, requestId: requestId)
            } catch is PaymentIdCollision where attempt < GatewayHandler.idCollisionRetryCountMax {
                continue
            }
        }
    }

    /// Inserts the payment as the prepay's answer leaves it. An accepted prepay is the one step
    /// `created -> processing` that `PaymentLifecycle` decides for it, written with the insert; a
    /// refusal makes the payment `failed` with its `payment.failed` event, which the insert does
    /// not write, so that rare case takes the general path (insert, then apply).
    private func store(
        _ created: Payment, after event: LifecycleEvent, auth: AuthenticatedRequest, body: CreatePaymentRequest, requestId: String
    ) throws -> HTTPResponse {
        let schedule = configuration.queries.schedule
        let snapshot = PaymentSnapshot(status: created.status, amount: created.amount, expiresAt: created.expiresAt)
        let decision = PaymentLifecycle.decide(snapshot, event, now: .now())
        guard case .prepayAccepted(let payURL) = event, let write = decision.write, write.steps == [.processing],
              decision.merchantEvents.isEmpty, decision.anomalies.isEmpty, decision.channelActions.isEmpty else {
            let outcome = try payments.create(
                created, checkAfter: schedule.firstCheck(expiresAt: created.expiresAt), nonce: auth.nonce, requestId: requestId)
            guard case .created(let stored) = outcome else { return try answer(outcome, body: body, requestId: requestId) }
            let checkAfter = schedule.afterPrepay(createdAt: stored.createdAt, expiresAt: stored.expiresAt)
            guard let applied = try payments.apply(
                event, to: stored.id, merchantId: stored.merchantId, checkAfter: checkAfter, reason: "prepay", requestId: requestId) else {
                throw APIError(.notFound, "No payment \(stored.id.text).")
            }
            try carryOut(applied, requestId: requestId)
            return .json(status: 201, body: applied.payment.json)
        }
        var processing = created
        processing.status = write.target
        processing.channelPayloadJSON = PaymentStore.channelPayloadJSON(payURL: payURL)
        let outcome = try payments.create(
            processing, checkAfter: schedule.afterPrepay(createdAt: created.createdAt, expiresAt: created.expiresAt),
            nonce: auth.nonce, stepReason: "prepay", requestId: requestId)
        let unstored: String? = switch outcome {
        case .created: nil
        case .existing: "the order exists"
        case .conflict: "the order exists with other terms"
        case .nonceReused: "a replayed request"
        }
        if let unstored {
            // Ours is a channel order nobody can pay: left to expire at the channel.
            log.info("prepaid \(created.id.text) not stored: \(unstored); its channel order is left to expire", requestId: requestId)
        }
        return try answer(outcome, body: body, requestId: requestId)
    }
}
