import PaygateCore
import PaygateCrypto
import Storage

extension GatewayHandler {
    /// POST /v1/payments (API.md section 5). The order is prepaid at its channel first, with
    /// nothing written, and then inserted already `processing` in one transaction (CreateFlow.swift):
    /// a prepay that fails answers 503 and leaves nothing behind. The insert's unique keys answer
    /// an order that exists (200, or 409 if it differs; one left `created` is prepaid again) and a
    /// replayed request (401). Without channels the payment is stored `created`.
    func createPayment(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = try authenticate(request)
        try requireJSON(request)
        let idempotencyKey = try self.idempotencyKey(request)
        let body = try CreatePaymentRequest(body: request.body)
        try NotifyURLPolicy.check(body.notifyURL, mode: configuration.mode)
        // The connected channels settle in CNY only (their connectors refuse other currencies):
        // refuse before anything is written rather than create a payment no channel can take.
        if channels != nil, body.amount.currency != .cny {
            throw APIError(.unsupportedCurrency, "The \(body.channel.rawValue) channel settles only CNY.", field: "currency")
        }
        let merchantId = auth.merchant.id
        let slot = SlotRouter.paymentSlot(merchantId: merchantId, merchantOrderNo: body.merchantOrderNo, slotCount: shards.map.slotCount)

        return try idempotent(request, auth: auth, key: idempotencyKey, actionSlot: slot) {
            if channels != nil {
                return try createAfterPrepay(slot: slot, merchantId: merchantId, body: body, auth: auth, requestId: request.requestId)
            }
            let outcome = try createWithFreshId(slot: slot, merchantId: merchantId, body: body, auth: auth, requestId: request.requestId)
            return try answer(outcome, body: body, requestId: request.requestId)
        }
    }

    /// The answer to an insert's outcome; a payment still `created` (its prepay never got an
    /// answer, in an earlier version's flow) is prepaid now.
    func answer(_ outcome: PaymentStore.CreateOutcome, body: CreatePaymentRequest, requestId: String) throws -> HTTPResponse {
        switch outcome {
        case .created(let created):
            return .json(status: 201, body: try prepay(created, requestId: requestId).json)
        case .existing(let existing):
            return .json(status: 200, body: try prepay(existing, requestId: requestId).json)
        case .conflict:
            throw APIError(.orderConflict, "merchant_order_no \(body.merchantOrderNo) already exists with a different amount, currency or channel.", field: "merchant_order_no")
        case .nonceReused:
            throw APIError(.nonceReused, "This request was already accepted (nonce reused).")
        }
    }

    /// The payment a create request describes, `created`, with a fresh id (64 random bits).
    func newPayment(slot: Int, merchantId: String, body: CreatePaymentRequest) throws -> Payment {
        let now = Timestamp.now()
        return Payment(
            id: PaymentId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
            merchantId: merchantId, merchantOrderNo: body.merchantOrderNo, amount: body.amount, channel: body.channel,
            status: .created, refundedAmount: Money(minorUnits: 0, currency: body.amount.currency), subject: body.subject,
            notifyURL: body.notifyURL, metadataJSON: body.metadataJSON, payerJSON: body.payerJSON, channelPayloadJSON: "{}",
            channelTransactionId: nil, failureCode: nil, version: 1, createdAt: now, paidAt: nil,
            expiresAt: now.adding(seconds: Int64(body.expireSeconds)))
    }

    /// Builds the new payment and stores it `created`; a payment_id collision gets a new id.
    private func createWithFreshId(
        slot: Int, merchantId: String, body: CreatePaymentRequest, auth: AuthenticatedRequest, requestId: String
    ) throws -> PaymentStore.CreateOutcome {
        var attempt = 0
        while true {
            attempt += 1
            let payment = try newPayment(slot: slot, merchantId: merchantId, body: body)
            do {
                let checkAfter = configuration.queries.schedule.firstCheck(expiresAt: payment.expiresAt)
                return try payments.create(payment, checkAfter: checkAfter, nonce: auth.nonce, requestId: requestId)
            } catch is PaymentIdCollision where attempt < GatewayHandler.idCollisionRetryCountMax {
                continue
            }
        }
    }

    static let idCollisionRetryCountMax = 3

    /// Close with channels: the lifecycle decides; an open order is closed at its channel first.
    private func closeWithChannel(_ id: PaymentId, auth: AuthenticatedRequest, requestId: String) throws -> HTTPResponse {
        guard let applied = try payments.apply(.closeRequested(by: .merchant), to: id, merchantId: auth.merchant.id, reason: "merchant_close", requestId: requestId) else {
            throw APIError(.notFound, "No payment \(id.text).")
        }
        if applied.decision.answer == .invalidState {
            throw APIError(.invalidState, "A payment in status \(applied.payment.status.rawValue) cannot be closed.")
        }
        var payment = applied.payment
        if applied.decision.channelActions.contains(.closeAtChannel) {
            payment = try closeAtChannel(payment, nonce: auth.nonce, requestId: requestId)
            // "Already paid" at the channel was followed by a query that may have settled it.
            payment = try payments.find(id: id, merchantId: auth.merchant.id) ?? payment
            if payment.status.isPaid {
                throw APIError(.invalidState, "The payer paid before the close reached the channel: the payment is \(payment.status.rawValue).")
            }
            guard payment.status == .closed else {
                throw APIError(.channelUnavailable, "The channel did not confirm the close; retry.")
            }
        } else {
            // Already closed: answered again; the nonce still marks the request as used.
            guard try payments.recordNonce(auth.nonce, slot: id.slot) else { throw APIError(.nonceReused, "This request was already accepted (nonce reused).") }
        }
        return .json(status: 200, body: payment.json)
    }

    /// GET /v1/payments?merchant_order_no=X is a lookup; any other query lists.
    func listPayments(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = try authenticate(request)
        let query = try ListPaymentsQuery(query: request.query)
        if let orderNo = query.merchantOrderNo, query.status == nil, query.createdFrom == nil, query.createdTo == nil, query.startingAfter == nil {
            guard let payment = try payments.find(merchantId: auth.merchant.id, merchantOrderNo: orderNo) else {
                throw APIError(.notFound, "No payment with merchant_order_no \(orderNo).")
            }
            return .json(status: 200, body: payment.json)
        }
        let page = try payments.list(merchantId: auth.merchant.id, query: query)
        var writer = JSONWriter(reservingCapacity: 1024 * (page.payments.count + 1))
        writer.objectOpen()
        writer.key("data")
        writer.arrayOpen()
        for payment in page.payments { payment.writeJSON(into: &writer) }
        writer.arrayClose()
        writer.member("has_more", page.hasMore)
        writer.objectClose()
        return .json(status: 200, body: writer.bytes)
    }

    /// GET /v1/payments/{payment_id}: another merchant's payment is 404, like a missing one.
    func getPayment(_ request: HTTPRequest, id: String) throws -> HTTPResponse {
        let auth = try authenticate(request)
        guard let paymentId = PaymentId(id), paymentId.slot < shards.map.slotCount,
              let payment = try payments.find(id: paymentId, merchantId: auth.merchant.id) else {
            throw APIError(.notFound, "No payment \(id).")
        }
        return .json(status: 200, body: payment.json)
    }

    /// POST /v1/payments/{payment_id}/close: only an unpaid payment closes; closing a closed one
    /// answers it again.
    func closePayment(_ request: HTTPRequest, id: String) throws -> HTTPResponse {
        let auth = try authenticate(request)
        let idempotencyKey = try self.idempotencyKey(request)
        guard let paymentId = PaymentId(id), paymentId.slot < shards.map.slotCount else { throw APIError(.notFound, "No payment \(id).") }
        return try idempotent(request, auth: auth, key: idempotencyKey, actionSlot: paymentId.slot) {
            if channels != nil { return try closeWithChannel(paymentId, auth: auth, requestId: request.requestId) }
            switch try payments.transition(
                id: paymentId, merchantId: auth.merchant.id, to: .closed, reason: "merchant_close",
                nonce: auth.nonce, requestId: request.requestId) {
            case .changed(let payment), .unchanged(let payment):
                return .json(status: 200, body: payment.json)
            case .notFound:
                throw APIError(.notFound, "No payment \(id).")
            case .illegal(let status):
                throw APIError(.invalidState, "A payment in status \(status.rawValue) cannot be closed.")
            case .nonceReused:
                throw APIError(.nonceReused, "This request was already accepted (nonce reused).")
            }
        }
    }
}
