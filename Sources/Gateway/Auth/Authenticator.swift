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
    /// docs/API.md section 2. An unknown merchant is answered exactly like a wrong signature.
    func authenticate(_ request: HTTPRequest) throws -> AuthenticatedRequest {
        let header = try AuthorizationHeader(request.headers["authorization"])
        let wrongSignature = APIError(.invalidSignature, "The signature does not match the request.")
        guard let merchant = try merchants.merchant(id: header.merchantId) else { throw wrongSignature }
        let message = AuthorizationHeader.stringToSign(
            method: request.method, requestURI: request.requestURI, timestampText: header.timestampText, nonce: header.nonce,
            body: request.body)
        // The current secret, and during a rotation's overlap the replaced one (docs/API.md section 2).
        guard let given = Base64.decode(header.signature), merchant.isSigned(message, signature: given, at: .now()) else {
            throw wrongSignature
        }
        let now = Timestamp.now().secondsSinceEpoch
        guard abs(now - header.timestamp) <= Int64(configuration.authWindowSeconds) else {
            throw APIError(.timestampOutOfWindow, "The timestamp is more than \(configuration.authWindowSeconds) s from the server clock.")
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
