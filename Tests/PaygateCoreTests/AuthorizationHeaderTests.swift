import XCTest

@testable import PaygateCore

final class AuthorizationHeaderTests: XCTestCase {
    private let nonce = "AbCdEf0123456789"
    private let signature = "k/koX5yjh1ClG7z//bp+Y3CKMAmouURyu2XMFNcwNVo="

    private func header(
        merchantId: String = "\"mch_1\"", timestamp: String = "\"1700000000\"", nonce: String? = nil,
        signature: String? = nil, extra: String = ""
    ) -> String {
        let nonceValue = nonce ?? "\"\(self.nonce)\""
        let signatureValue = signature ?? "\"\(self.signature)\""
        return
            "PAYGATE-HMAC-SHA256 merchant_id=\(merchantId),timestamp=\(timestamp),nonce=\(nonceValue),signature=\(signatureValue)\(extra)"
    }

    private func assertUnauthenticated(_ text: String?, file: StaticString = #filePath, line: UInt = #line) {
        assertAPIError(.unauthenticated, { () throws(APIError) in try AuthorizationHeader(text) }, file: file, line: line)
    }

    func testValidHeader() throws {
        let parsed = try AuthorizationHeader(header())
        XCTAssertEqual(parsed.merchantId, "mch_1")
        XCTAssertEqual(parsed.timestamp, 1_700_000_000)
        XCTAssertEqual(parsed.nonce, nonce)
        XCTAssertEqual(parsed.signature, signature)
    }

    func testNonceLengthBoundsAccepted() throws {
        XCTAssertEqual(try AuthorizationHeader(header(nonce: "\"" + String(repeating: "a", count: 16) + "\"")).nonce.count, 16)
        XCTAssertEqual(try AuthorizationHeader(header(nonce: "\"" + String(repeating: "Z", count: 64) + "\"")).nonce.count, 64)
    }

    func testMissingHeader() {
        assertUnauthenticated(nil)
        assertUnauthenticated("")
    }

    func testWrongScheme() {
        assertUnauthenticated("Bearer abc")
        assertUnauthenticated("Basic bWNoOnNlY3JldA==")
        assertUnauthenticated(header().replacingOccurrences(of: "PAYGATE-HMAC-SHA256", with: "PAYGATE-HMAC-SHA1"))
        assertUnauthenticated("PAYGATE-HMAC-SHA256")
        assertUnauthenticated("PAYGATE-HMAC-SHA256 ")
        assertUnauthenticated("PAYGATE-HMAC-SHA256merchant_id=\"mch_1\"")
    }

    func testMissingPart() {
        let full = header()
        for part in ["merchant_id=\"mch_1\",", "timestamp=\"1700000000\",", "nonce=\"\(nonce)\","] {
            assertUnauthenticated(full.replacingOccurrences(of: part, with: ""))
        }
        assertUnauthenticated(full.replacingOccurrences(of: ",signature=\"\(signature)\"", with: ""))
    }

    func testEmptyValues() {
        assertUnauthenticated(header(merchantId: "\"\""))
        assertUnauthenticated(header(timestamp: "\"\""))
        assertUnauthenticated(header(nonce: "\"\""))
        assertUnauthenticated(header(signature: "\"\""))
    }

    func testExtraPart() {
        assertUnauthenticated(header(extra: ",version=\"1\""))
    }

    func testUnquotedValue() {
        assertUnauthenticated(header(timestamp: "1700000000"))
        assertUnauthenticated(header(merchantId: "mch_1"))
        assertUnauthenticated(header(merchantId: "\"mch_1"))
        assertUnauthenticated(header(merchantId: "mch_1\""))
        assertUnauthenticated(header(merchantId: "\""))
        assertUnauthenticated("PAYGATE-HMAC-SHA256 merchant_id")
    }

    func testDuplicatePart() {
        assertUnauthenticated(header(extra: ",merchant_id=\"mch_2\""))
        assertUnauthenticated(header(extra: ",nonce=\"\(nonce)\""))
    }

    func testNonceRules() {
        assertUnauthenticated(header(nonce: "\"" + String(repeating: "a", count: 15) + "\""))
        assertUnauthenticated(header(nonce: "\"" + String(repeating: "a", count: 65) + "\""))
        assertUnauthenticated(header(nonce: "\"AbCdEf0123456789-\""))
        assertUnauthenticated(header(nonce: "\"AbCdEf01234567_89\""))
        assertUnauthenticated(header(nonce: "\"AbCdEf01234567 89\""))
        assertUnauthenticated(header(nonce: "\"AbCdEf012345678\u{e9}\""))
    }

    func testNonNumericTimestamp() {
        assertUnauthenticated(header(timestamp: "\"abc\""))
        assertUnauthenticated(header(timestamp: "\"1700000000.5\""))
        assertUnauthenticated(header(timestamp: "\"1e9\""))
        assertUnauthenticated(header(timestamp: "\" 1700000000\""))
        assertUnauthenticated(header(timestamp: "\"99999999999999999999\""))
    }

    /// The timestamp is "<unix seconds>": digits only. A sign is not part of it: accepting "+"
    /// makes the server sign "1700000000" while the client signed "+1700000000", and accepting
    /// Int64.min lets a signed request reach `abs(now - header.timestamp)` in the gateway's
    /// Authenticator, which overflows and traps (the worker process dies).
    func testSignedTimestampIsRefused() {
        assertUnauthenticated(header(timestamp: "\"+1700000000\""))
        assertUnauthenticated(header(timestamp: "\"-1700000000\""))
        assertUnauthenticated(header(timestamp: "\"-9223372036854775808\""))
    }

    func testOverlongHeader() {
        assertUnauthenticated(header(merchantId: "\"" + String(repeating: "m", count: 1100) + "\""))
    }

    // MARK: string to sign

    /// Bytes produced by Python: 'POST\n/v1/payments?x=1\n1700000000\nAbCdEf0123456789\n{"a":"b"}\n'.
    /// With secret "sk_test_0123456789abcdef" its base64 HMAC-SHA256 is
    /// k/koX5yjh1ClG7z//bp+Y3CKMAmouURyu2XMFNcwNVo= (checked by the crypto and e2e tests).
    func testStringToSignBytes() {
        let bytes = AuthorizationHeader.stringToSign(
            method: "POST", requestURI: "/v1/payments?x=1", timestamp: 1_700_000_000,
            nonce: "AbCdEf0123456789", body: Array("{\"a\":\"b\"}".utf8))
        let expectedHex =
            "504f53540a2f76312f7061796d656e74733f783d310a313730303030303030300a416243644566303132333435363738390a7b2261223a2262227d0a"
        XCTAssertEqual(bytes.map { Hex.encode(UInt64($0), digits: 2) }.joined(), expectedHex)
    }

    func testStringToSignWithoutBody() {
        let bytes = AuthorizationHeader.stringToSign(
            method: "GET", requestURI: "/v1/payments/pay_1?limit=5&status=created", timestamp: 42, nonce: "n0nce0000000000000", body: [])
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "GET\n/v1/payments/pay_1?limit=5&status=created\n42\nn0nce0000000000000\n\n")
    }

    func testStringToSignKeepsRawBodyBytes() {
        let body: [UInt8] = [0x7B, 0x0A, 0xE4, 0xB8, 0xAD, 0x7D]
        let bytes = AuthorizationHeader.stringToSign(
            method: "POST", requestURI: "/v1/refunds", timestamp: 1, nonce: "abcdefghijklmnop", body: body)
        XCTAssertEqual(bytes, Array("POST\n/v1/refunds\n1\nabcdefghijklmnop\n".utf8) + body + [0x0A])
    }
}

final class AuthorizationTimestampTextTests: XCTestCase {
    /// The signature covers the timestamp text exactly as sent, so a client that pads it signs
    /// what it sent, and nobody can re-spell the header's timestamp under the same signature.
    func testStringToSignUsesTheTimestampAsSent() throws {
        let header = try AuthorizationHeader(
            #"PAYGATE-HMAC-SHA256 merchant_id="mch_1",timestamp="01700000000",nonce="abcdefghijklmnop",signature="c2ln""#)
        XCTAssertEqual(header.timestamp, 1_700_000_000)
        XCTAssertEqual(header.timestampText, "01700000000")
        let signed = AuthorizationHeader.stringToSign(
            method: "GET", requestURI: "/v1/payments", timestampText: header.timestampText, nonce: header.nonce, body: [])
        XCTAssertEqual(String(decoding: signed, as: UTF8.self), "GET\n/v1/payments\n01700000000\nabcdefghijklmnop\n\n")
    }
}
