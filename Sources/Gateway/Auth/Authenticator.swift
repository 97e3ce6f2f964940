import Foundation
import PaygateCore
import PaygateCrypto
import Storage

/// A request whose signature checked out.
struct AuthenticatedRequest {
    let merchant: Merchant
    let header: AuthorizationHeader

    /// The anti-replay record written with the request's effect.
    var nonce: RequestNonce {
        RequestNonce(merchantId: merchant.id, nonce: header.nonce, signature: header.signature)
    }
}

extension GatewayHandler {
    /// docs/API.md section 2, with the client address's failures counted: an address that has
    /// failed too often lately is answered 429 before anything else is looked at (docs/API.md
    /// section 10, `AuthFailuresConfiguration`).
    func authenticate(_ request: HTTPRequest) throws -> AuthenticatedRequest {
        let address = request.remoteAddress
        let nowSeconds = Timestamp.now().secondsSinceEpoch
        guard !authFailures.isRefused(address, nowSeconds: nowSeconds) else {
            throw APIError(.rateLimited, "Too many failed authentications from this address; retry later.")
        }
        do {
            return try verify(request, nowSeconds: nowSeconds)
        } catch let error as APIError where error.code.httpStatus == 401 {
            authFailures.recordFailure(address, nowSeconds: nowSeconds)
            throw error
        }
    }

    /// The checks in order of cost: the header's shape, the merchant id's shape and the timestamp
    /// window (no I/O), then the merchant (cache, else directory), the HMAC in constant time, and
    /// last the merchant's status. An unknown merchant is answered exactly like a wrong signature.
    private func verify(_ request: HTTPRequest, nowSeconds: Int64) throws -> AuthenticatedRequest {
        let header = try AuthorizationHeader(request.headers["authorization"])
        let merchantId = try header.precheck(nowSeconds: nowSeconds, windowSeconds: configuration.authWindowSeconds)
        let wrongSignature = APIError(.invalidSignature, AuthorizationHeader.wrongSignatureMessage)
        guard let merchant = try merchants.merchant(id: merchantId.text) else { throw wrongSignature }
        let message = AuthorizationHeader.stringToSign(
            method: request.method, requestURI: request.requestURI, timestampText: header.timestampText, nonce: header.nonce,
            body: request.body)
        // The current secret, and during a rotation's overlap the replaced one (docs/API.md section 2).
        guard let given = Base64.decode(header.signature), merchant.isSigned(message, signature: given, at: .now()) else {
            throw wrongSignature
        }
        guard merchant.isActive else { throw APIError(.merchantDisabled, "This merchant is disabled.") }
        return AuthenticatedRequest(merchant: merchant, header: header)
    }

    /// POST bodies must be JSON (415 otherwise).
    func requireJSON(_ request: HTTPRequest) throws {
        let contentType = request.headers["content-type"] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/json" else {
            throw APIError(.unsupportedMediaType, "Content-Type must be application/json.")
        }
    }
}
