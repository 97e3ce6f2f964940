/// The error codes of docs/API.md section 3. The raw value is the wire code; never rename one.
public enum APIErrorCode: String, Sendable, CaseIterable {
    case invalidJSON = "invalid_json"
    case missingField = "missing_field"
    case invalidField = "invalid_field"
    case unsupportedCurrency = "unsupported_currency"
    case unsupportedChannel = "unsupported_channel"
    case unauthenticated = "unauthenticated"
    case invalidSignature = "invalid_signature"
    case timestampOutOfWindow = "timestamp_out_of_window"
    case nonceReused = "nonce_reused"
    case merchantDisabled = "merchant_disabled"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case bodyTooLarge = "body_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case orderConflict = "order_conflict"
    case invalidState = "invalid_state"
    case idempotencyInProgress = "idempotency_in_progress"
    case idempotencyKeyReused = "idempotency_key_reused"
    case refundExceedsRefundable = "refund_exceeds_refundable"
    case rateLimited = "rate_limited"
    case channelError = "channel_error"
    /// Risk blocked the create before the channel was asked (README "Risk").
    case riskDeclined = "risk_declined"
    case serviceUnavailable = "service_unavailable"
    case channelUnavailable = "channel_unavailable"
    case internalError = "internal_error"

    public var httpStatus: Int {
        switch self {
        case .invalidJSON, .missingField, .invalidField, .unsupportedCurrency, .unsupportedChannel: 400
        case .unauthenticated, .invalidSignature, .timestampOutOfWindow, .nonceReused: 401
        case .riskDeclined: 402
        case .merchantDisabled: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .bodyTooLarge: 413
        case .unsupportedMediaType: 415
        case .orderConflict, .invalidState, .idempotencyInProgress: 409
        case .idempotencyKeyReused, .refundExceedsRefundable: 422
        case .rateLimited: 429
        case .channelError: 502
        case .serviceUnavailable, .channelUnavailable: 503
        case .internalError: 500
        }
    }
}

/// An operating error that is answered to the client (docs/API.md section 3).
public struct APIError: Error, Sendable, Equatable {
    public var code: APIErrorCode
    public var message: String
    /// The one request field at fault, when there is one.
    public var field: String?

    public init(_ code: APIErrorCode, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public func jsonBody(requestId: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.objectOpen()
        writer.key("error")
        writer.objectOpen()
        writer.member("code", code.rawValue)
        writer.member("message", message)
        if let field { writer.member("field", field) }
        writer.member("request_id", requestId)
        writer.objectClose()
        writer.objectClose()
        return writer.bytes
    }
}
