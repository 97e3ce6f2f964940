import PaygateCore
import Services

/// The refund endpoints (docs/API.md section 6).
extension GatewayHandler {
    /// POST /v1/refunds (`Refunds`): answers 201 with the refund as the channel left it
    /// (`succeeded`, `processing` or `failed`), 200 with an identical one that existed.
    func createRefund(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = try authenticate(request)
        try requireJSON(request)
        let idempotencyKey = try self.idempotencyKey(request)
        let body = try CreateRefundRequest(body: request.body)
        guard body.paymentId.slot < shards.map.slotCount else { throw APIError(.notFound, "No payment \(body.paymentId.text).") }
        return try idempotent(request, auth: auth, key: idempotencyKey, actionSlot: body.paymentId.slot) {
            let outcome = try services.refunds.create(body, merchantId: auth.merchant.id, nonce: auth.nonce, requestId: request.requestId)
            return .json(status: outcome.isNew ? 201 : 200, body: outcome.refund.json)
        }
    }

    /// GET /v1/refunds/{refund_id}.
    func getRefund(_ request: HTTPRequest, id: String) throws -> HTTPResponse {
        let auth = try authenticate(request)
        return .json(status: 200, body: try services.lookup.refund(id, merchantId: auth.merchant.id).json)
    }
}
