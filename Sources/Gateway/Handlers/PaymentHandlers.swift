import PaygateCore
import Services

/// The payment endpoints (docs/API.md section 5): parse, authenticate, run the flow, render.
extension GatewayHandler {
    /// POST /v1/payments. The flow (`CreatePayment`) prepays at the channel first, with nothing
    /// written, then stores the payment in one transaction; a prepay that fails answers 503 and
    /// leaves nothing behind. An order that exists answers 200 (409 if it differs).
    func createPayment(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = try authenticate(request)
        try requireJSON(request)
        let idempotencyKey = try self.idempotencyKey(request)
        let body = try CreatePaymentRequest(body: request.body)
        try NotifyURLPolicy.check(body.notifyURL, mode: configuration.mode)
        try services.create.validate(body)
        let merchantId = auth.merchant.id
        let slot = services.create.slot(merchantId: merchantId, body: body)
        return try idempotent(request, auth: auth, key: idempotencyKey, actionSlot: slot) {
            let outcome = try services.create.create(body, merchantId: merchantId, nonce: auth.nonce, requestId: request.requestId)
            return .json(status: outcome.isNew ? 201 : 200, body: outcome.payment.json)
        }
    }

    /// GET /v1/payments?merchant_order_no=X is a lookup; any other query lists.
    func listPayments(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = try authenticate(request)
        let query = try ListPaymentsQuery(query: request.query)
        switch try services.lookup.payments(query, merchantId: auth.merchant.id) {
        case .one(let payment):
            return .json(status: 200, body: payment.json)
        case .page(let payments, let hasMore):
            var writer = JSONWriter(reservingCapacity: 1024 * (payments.count + 1))
            writer.objectOpen()
            writer.key("data")
            writer.arrayOpen()
            for payment in payments { payment.writeJSON(into: &writer) }
            writer.arrayClose()
            writer.member("has_more", hasMore)
            writer.objectClose()
            return .json(status: 200, body: writer.bytes)
        }
    }

    /// GET /v1/payments/{payment_id}.
    func getPayment(_ request: HTTPRequest, id: String) throws -> HTTPResponse {
        let auth = try authenticate(request)
        return .json(status: 200, body: try services.lookup.payment(id, merchantId: auth.merchant.id).json)
    }

    /// POST /v1/payments/{payment_id}/close (`ClosePayment`).
    func closePayment(_ request: HTTPRequest, id: String) throws -> HTTPResponse {
        let auth = try authenticate(request)
        let idempotencyKey = try self.idempotencyKey(request)
        guard let paymentId = PaymentId(id), paymentId.slot < shards.map.slotCount else { throw APIError(.notFound, "No payment \(id).") }
        return try idempotent(request, auth: auth, key: idempotencyKey, actionSlot: paymentId.slot) {
            let payment = try services.close.close(paymentId, merchantId: auth.merchant.id, nonce: auth.nonce, requestId: request.requestId)
            return .json(status: 200, body: payment.json)
        }
    }

    /// POST /callbacks/{channel} (`ChannelCallback`): answered in the channel's own form.
    func callback(_ request: HTTPRequest, channel: Channel) throws -> HTTPResponse {
        try services.callback.receive(request, from: channel)
    }
}
