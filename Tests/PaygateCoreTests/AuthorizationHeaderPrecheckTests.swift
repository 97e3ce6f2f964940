import XCTest

@testable import PaygateCore

/// docs/API.md section 2: what is refused before any lookup or HMAC.
final class AuthorizationHeaderPrecheckTests: XCTestCase {
    private static let merchant = "mch_0123456789abcdef01234567"
    private static let now: Int64 = 1_700_000_000
    private static let windowSeconds = 300

    private func header(merchantId: String = merchant, timestamp: Int64 = now) throws -> AuthorizationHeader {
        try AuthorizationHeader(
            "PAYGATE-HMAC-SHA256 merchant_id=\"\(merchantId)\",timestamp=\"\(timestamp)\",nonce=\"AbCdEf0123456789\",signature=\"c2ln\"")
    }

    private func precheck(_ header: AuthorizationHeader) throws(APIError) -> MerchantId {
        try header.precheck(nowSeconds: Self.now, windowSeconds: Self.windowSeconds)
    }

    func testTheExactShapeInsideTheWindowPasses() throws {
        XCTAssertEqual(try precheck(try header()).text, Self.merchant)
        XCTAssertEqual(try precheck(try header(timestamp: Self.now - 300)).text, Self.merchant)
        XCTAssertEqual(try precheck(try header(timestamp: Self.now + 300)).text, Self.merchant)
    }

    func testAnyOtherMerchantIdShapeIsAnUnknownMerchant() throws {
        let shapes = [
            Self.merchant + " ",  // MariaDB's PAD SPACE collation would match the real row
            " " + Self.merchant,
            Self.merchant.uppercased(),
            "mch_0123456789ABCDEF01234567",
            "MCH_0123456789abcdef01234567",
            String(Self.merchant.dropLast()),  // 23 digits
            Self.merchant + "8",  // 25 digits
            "mch_" + String(repeating: "a", count: 32),
            "mch_0123456789abcdef0123456g",
            "pay_0123456789abcdef01234567",
            "mch_",
            "x",
        ]
        for shape in shapes {
            let parsed = try header(merchantId: shape)
            assertAPIError(.invalidSignature, { () throws(APIError) in try precheck(parsed) })
            // The same message as a wrong signature: nothing tells the two apart.
            XCTAssertEqual(
                thrownAPIError({ () throws(APIError) in try precheck(parsed) })?.message, AuthorizationHeader.wrongSignatureMessage)
        }
    }

    func testATimestampOutsideTheWindowIsRefusedBeforeAnyLookup() throws {
        for timestamp in [Self.now - 301, Self.now + 301, 0, 999_999_999_999] {
            let parsed = try header(timestamp: timestamp)
            assertAPIError(.timestampOutOfWindow, { () throws(APIError) in try precheck(parsed) })
        }
    }

    func testTheMerchantIdShapeIsCheckedFirst() throws {
        let parsed = try header(merchantId: Self.merchant + " ", timestamp: 0)
        assertAPIError(.invalidSignature, { () throws(APIError) in try precheck(parsed) })
    }
}
