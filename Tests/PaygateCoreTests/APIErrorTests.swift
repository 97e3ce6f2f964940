import XCTest

@testable import PaygateCore

final class APIErrorTests: XCTestCase {
    /// docs/API.md section 3, copied by hand.
    private let statusOfCode: [String: Int] = [
        "invalid_json": 400, "missing_field": 400, "invalid_field": 400, "unsupported_currency": 400, "unsupported_channel": 400,
        "unauthenticated": 401, "invalid_signature": 401, "timestamp_out_of_window": 401, "nonce_reused": 401,
        "risk_declined": 402,
        "merchant_disabled": 403,
        "not_found": 404,
        "method_not_allowed": 405, "body_too_large": 413, "unsupported_media_type": 415,
        "order_conflict": 409, "invalid_state": 409, "idempotency_in_progress": 409,
        "idempotency_key_reused": 422, "refund_exceeds_refundable": 422,
        "rate_limited": 429,
        "channel_error": 502, "service_unavailable": 503, "channel_unavailable": 503,
        "internal_error": 500,
    ]

    func testEveryCodeHasTheStatusOfTheTable() {
        XCTAssertEqual(Set(APIErrorCode.allCases.map(\.rawValue)), Set(statusOfCode.keys))
        for (text, status) in statusOfCode {
            guard let code = APIErrorCode(rawValue: text) else {
                XCTFail("no code \(text)")
                continue
            }
            XCTAssertEqual(code.httpStatus, status, text)
        }
    }

    func testJSONBodyWithField() {
        let error = APIError(.missingField, "amount is required.", field: "amount")
        XCTAssertEqual(
            String(decoding: error.jsonBody(requestId: "req-1"), as: UTF8.self),
            "{\"error\":{\"code\":\"missing_field\",\"message\":\"amount is required.\",\"field\":\"amount\",\"request_id\":\"req-1\"}}")
    }

    func testJSONBodyWithoutField() throws {
        let error = APIError(.unauthenticated, "The Authorization header is missing.")
        let bytes = error.jsonBody(requestId: "3f2a")
        XCTAssertEqual(
            String(decoding: bytes, as: UTF8.self),
            "{\"error\":{\"code\":\"unauthenticated\",\"message\":\"The Authorization header is missing.\",\"request_id\":\"3f2a\"}}")
        guard case .object(let outer) = try JSONParser.parse(bytes), case .object(let inner) = outer.first?.value else {
            return XCTFail("not an object of an object")
        }
        XCTAssertEqual(outer.map(\.key), ["error"])
        XCTAssertEqual(inner.map(\.key), ["code", "message", "request_id"])
    }

    func testJSONBodyEscapesTheMessage() throws {
        let error = APIError(.invalidField, "Channel \"pay\npal\" is not supported.", field: "channel")
        let parsed = try JSONParser.parse(error.jsonBody(requestId: "r"))
        XCTAssertEqual(parsed["error"]?["message"], .string("Channel \"pay\npal\" is not supported."))
        XCTAssertEqual(parsed["error"]?["field"], .string("channel"))
    }
}
