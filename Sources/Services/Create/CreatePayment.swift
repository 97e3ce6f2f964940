import Channels
import PaygateCore
import PaygateCrypto

/// A create (docs/API.md section 5): the channel is asked first, with nothing written, and the
/// payment is stored in one transaction with the channel's answer in it.
///
/// Why in this order: a prepay that fails (channel down, timed out, unverifiable) then leaves
/// nothing behind, as docs/API.md section 3 says of every error, and an accepted one costs one
/// write transaction instead of two. Nothing is read first either: the insert's unique keys find
/// an order that exists and a replayed request, and a read before every prepay cost more database
/// time (about half an insert, `make bench` (c)) than the rare repeat it would spare a channel
/// call. The channel may therefore hold an order we never stored (a repeat or a replay of an order
/// we have, an insert that lost to a concurrent identical create, a process that died after the
/// prepay): nobody can pay it, because its pay URL or QR content is handed out only in the answer
/// that follows the insert, and the channel lets it expire at `expires_at` like any unpaid order.
public struct CreatePayment {
    /// A payment_id collision (64 random bits) is retried with a new id this many times at most.
    static let idCollisionRetryCountMax = 3

    let context: ServiceContext
    let query: QueryPayment

    init(_ context: ServiceContext, query: QueryPayment) {
        self.context = context
        self.query = query
    }

    /// The payment the request created (`isNew`), or the identical one that existed.
    public struct Outcome {
        public var payment: Payment
        public var isNew: Bool
    }

    /// What the flow refuses before anything is written (the HTTP layer asks before it takes an
    /// Idempotency-Key).
    public func validate(_ body: CreatePaymentRequest) throws(APIError) {
        if let refusal = ChannelTextRules.subjectRefusal(body.subject, channel: body.channel) {
            throw APIError(.invalidField, refusal, field: "subject")
        }
        // The connected channels settle in CNY only (their connectors refuse other currencies):
        // refuse before anything is written rather than create a payment no channel can take.
        if context.channels != nil, body.amount.currency != .cny {
            throw APIError(.unsupportedCurrency, "The \(body.channel.rawValue) channel settles only CNY.", field: "currency")
        }
    }

    public func create(_ body: CreatePaymentRequest, merchantId: String, nonce: RequestNonce?, requestId: String) throws -> Outcome {
        try validate(body)
        let slot = slot(merchantId: merchantId, body: body)
        // Risk decides before anything is sent to the channel (README "Risk").
        let risk = context.risk?.assess(body, merchantId: merchantId, at: context.clock.now(), requestId: requestId)
        if let risk, risk.decision == .block {
            return try refuse(body, merchantId: merchantId, slot: slot, risk: risk, nonce: nonce, requestId: requestId)
        }
        var attempt = 0
        while true {
            attempt += 1
            var created = try newPayment(slot: slot, merchantId: merchantId, body: body)
            created.risk = risk
            do {
                // A payment held for review is stored `created`, without a prepay, until an admin
                // decides (`RiskReview`); unattended, it closes at its expiry like any other.
                guard context.channels != nil, risk?.decision.holdsPrepay != true else {
                    let stored = try context.payments.create(
                        created, checkAfter: context.schedule.firstCheck(expiresAt: created.expiresAt), nonce: nonce, stepReason: nil,
                        requestId: requestId)
                    return try answer(stored, body: body, requestId: requestId)
                }
                let event = try askChannelToPrepay(created, requestId: requestId)
                if case .prepayRejected = event, let engine = context.risk {
                    engine.recordDecline(RiskEngine.subjects(of: body, merchantId: merchantId), at: created.createdAt, requestId: requestId)
                }
                return try store(created, after: event, body: body, nonce: nonce, requestId: requestId)
            } catch is PaymentIdCollision where attempt < CreatePayment.idCollisionRetryCountMax {
                continue
            }
        }
    }

    /// The slot of a merchant's order: fixed by (merchant, merchant_order_no), so every repeat of
    /// an order meets the first on one shard's unique key.
    public func slot(merchantId: String, body: CreatePaymentRequest) -> Int {
        SlotRouter.paymentSlot(merchantId: merchantId, merchantOrderNo: body.merchantOrderNo, slotCount: context.payments.slotCount)
    }

    /// Inserts the payment as the prepay's answer leaves it. An accepted prepay is the one step
    /// `created -> processing` that `PaymentLifecycle` decides for it, written with the insert; a
    /// refusal makes the payment `failed` with its `payment.failed` event, which the insert does
    /// not write, so that rare case takes the general path (insert, then apply).
    private func store(
        _ created: Payment, after event: LifecycleEvent, body: CreatePaymentRequest, nonce: RequestNonce?, requestId: String
    ) throws
        -> Outcome
    {
        let schedule = context.schedule
        let snapshot = PaymentSnapshot(status: created.status, amount: created.amount, expiresAt: created.expiresAt)
        let decision = PaymentLifecycle.decide(snapshot, event, now: context.clock.now())
        guard case .prepayAccepted(let payload) = event, let write = decision.write, write.steps == [.processing],
            decision.merchantEvents.isEmpty, decision.anomalies.isEmpty, decision.channelActions.isEmpty
        else {
            let outcome = try context.payments.create(
                created, checkAfter: schedule.firstCheck(expiresAt: created.expiresAt), nonce: nonce, stepReason: nil, requestId: requestId)
            guard case .created(let stored) = outcome else { return try answer(outcome, body: body, requestId: requestId) }
            let checkAfter = schedule.afterPrepay(createdAt: stored.createdAt, expiresAt: stored.expiresAt)
            guard
                let applied = try context.payments.apply(
                    event, to: stored.id, merchantId: stored.merchantId, channel: nil, nonce: nil, checkAfter: checkAfter, reason: "prepay",
                    requestId: requestId)
            else {
                throw APIError(.notFound, "No payment \(stored.id.text).")
            }
            try query.carryOut(applied, requestId: requestId)
            return Outcome(payment: applied.payment, isNew: true)
        }
        var processing = created
        processing.status = write.target
        processing.channelPayloadJSON = payload.json
        let outcome = try context.payments.create(
            processing, checkAfter: schedule.afterPrepay(createdAt: created.createdAt, expiresAt: created.expiresAt),
            nonce: nonce, stepReason: "prepay", requestId: requestId)
        let unstored: String? =
            switch outcome {
            case .created: nil
            case .existing: "the order exists"
            case .conflict: "the order exists with other terms"
            case .nonceReused: "a replayed request"
            }
        if let unstored {
            // Ours is a channel order nobody can pay: left to expire at the channel.
            context.log.info(
                "prepaid \(created.id.text) not stored: \(unstored); its channel order is left to expire", requestId: requestId)
        }
        return try answer(outcome, body: body, requestId: requestId)
    }

    /// The answer to an insert's outcome; a payment still `created` (its prepay never got an
    /// answer, in an earlier version's flow) is prepaid now.
    private func answer(_ outcome: PaymentCreateOutcome, body: CreatePaymentRequest, requestId: String) throws -> Outcome {
        switch outcome {
        case .created(let created):
            return Outcome(payment: try prepay(created, requestId: requestId), isNew: true)
        case .existing(let existing):
            return Outcome(payment: try prepay(existing, requestId: requestId), isNew: false)
        case .conflict:
            throw Self.orderConflict(body)
        case .nonceReused:
            throw NonceReused()
        }
    }

    /// The 409 of a merchant_order_no that exists with other terms (docs/API.md section 5).
    static func orderConflict(_ body: CreatePaymentRequest) -> APIError {
        APIError(
            .orderConflict, "merchant_order_no \(body.merchantOrderNo) already exists with a different amount, currency or channel.",
            field: "merchant_order_no")
    }

    /// The payment a create request describes, `created`, with a fresh id (64 random bits).
    func newPayment(slot: Int, merchantId: String, body: CreatePaymentRequest) throws -> Payment {
        let now = context.clock.now()
        return Payment(
            id: PaymentId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
            merchantId: merchantId, merchantOrderNo: body.merchantOrderNo, amount: body.amount, channel: body.channel,
            status: .created, refundedAmount: Money(minorUnits: 0, currency: body.amount.currency), subject: body.subject,
            notifyURL: body.notifyURL, metadataJSON: body.metadataJSON, payerJSON: body.payerJSON, channelPayloadJSON: "{}",
            channelTransactionId: nil, failureCode: nil, version: 1, createdAt: now, paidAt: nil,
            expiresAt: now.adding(seconds: Int64(body.expireSeconds)))
    }
}
