import PaygateCore
import PaygateCrypto
import Services
import Storage

extension GatewayHandler {
    static let idempotencyKeyLengthMax = 255

    /// The optional Idempotency-Key header (1–255 printable ASCII characters).
    func idempotencyKey(_ request: HTTPRequest) throws -> String? {
        guard let key = request.headers["idempotency-key"] else { return nil }
        guard (1...GatewayHandler.idempotencyKeyLengthMax).contains(key.utf8.count),
            key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E })
        else {
            throw APIError(.invalidField, "Idempotency-Key must be 1 to 255 printable ASCII characters.", field: "Idempotency-Key")
        }
        return key
    }

    /// Runs `action` under an Idempotency-Key (docs/API.md section 7) when the request has one.
    /// Only successful answers are stored; an error answer releases the key, because a request
    /// answered with an error has written nothing. A stored answer is replayed only to a request
    /// whose nonce is new: replaying the exact same signed request is still `nonce_reused`.
    func idempotent(
        _ request: HTTPRequest, auth: AuthenticatedRequest, key: String?, actionSlot: Int,
        _ action: () throws -> HTTPResponse
    ) throws -> HTTPResponse {
        guard let key else { return try action() }
        let merchantId = auth.merchant.id
        var fingerprint = Array((request.method + "\n" + String(request.path) + "\n").utf8)
        fingerprint.append(contentsOf: request.body)
        switch try idempotency.begin(merchantId: merchantId, key: key, requestHash: SHA256Digest.hexHash(fingerprint)) {
        case .mismatch:
            throw APIError(.idempotencyKeyReused, "This Idempotency-Key was used for a different request.")
        case .inProgress:
            throw APIError(.idempotencyInProgress, "A request with this Idempotency-Key is still running.")
        case .replay(let status, let body):
            guard try nonces.recordNonce(auth.nonce, slot: actionSlot) else {
                throw APIError(.nonceReused, "This request was already accepted (nonce reused).")
            }
            return .json(status: status, body: Array(body.utf8), headers: [("Idempotent-Replayed", "true")])
        case .started(let leaseToken):
            let response: HTTPResponse
            do {
                response = try action()
            } catch {
                try? idempotency.abandon(merchantId: merchantId, key: key, leaseToken: leaseToken)
                throw error
            }
            // The action has committed (or answered an error): its answer stands even if the key
            // cannot be updated now. A key left in progress is taken over by the same request
            // after its lease, which then finds the payment by merchant_order_no.
            do {
                if response.status < 400 {
                    try idempotency.complete(
                        merchantId: merchantId, key: key, leaseToken: leaseToken, status: response.status,
                        body: String(decoding: response.body, as: UTF8.self))
                } else {
                    try idempotency.abandon(merchantId: merchantId, key: key, leaseToken: leaseToken)
                }
            } catch {
                log.warning(
                    "Idempotency-Key record not updated (left in progress until its lease ends): \(error)", requestId: request.requestId)
            }
            return response
        }
    }
}
