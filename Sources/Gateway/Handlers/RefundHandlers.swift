import PaygateCore
import Storage

extension GatewayHandler {
    /// POST /v1/refunds (API.md section 6). The refund is written `processing` (reserving its
    /// amount) and committed before the channel is asked, so a crash or timeout after that point
    /// leaves a refund the worker finishes, never money moved without a record. The answer carries
    /// the refund as the channel left it: `succeeded` (Alipay answers at once), `processing`
    /// (WeChat Pay and UnionPay confirm by callback; or the channel could not be reached and the
    /// worker sends the same refund again), or `failed`.
    func createRefund(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = try authenticate(request)
        try requireJSON(request)
        let idempotencyKey = try self.idempotencyKey(request)
        let body = try CreateRefundRequest(body: request.body)
        guard body.paymentId.slot < shards.map.slotCount else { throw APIError(.notFound, "No payment \(body.paymentId.text).") }
        return try idempotent(request, auth: auth, key: idempotencyKey, actionSlot: body.paymentId.slot) {
            switch try refunds.create(body, merchantId: auth.merchant.id, nonce: auth.nonce, requestId: request.requestId) {
            case .created(let refund, let payment):
                let settled = submitRefund(refund, payment: payment, requestId: request.requestId)
                return .json(status: 201, body: settled.json)
            case .existing(let refund):
                return .json(status: 200, body: refund.json)
            }
        }
    }

    /// GET /v1/refunds/{refund_id}: another merchant's refund is 404, like a missing one.
    func getRefund(_ request: HTTPRequest, id: String) throws -> HTTPResponse {
        let auth = try authenticate(request)
        guard let refundId = RefundId(id), refundId.slot < shards.map.slotCount,
              let refund = try refunds.find(id: refundId, merchantId: auth.merchant.id) else {
            throw APIError(.notFound, "No refund \(id).")
        }
        return .json(status: 200, body: refund.json)
    }
}
