import Foundation
import XCTest

@testable import PaygateCore

final class CreateRefundRequestTests: XCTestCase {
    private let paymentId = PaymentId(millisecondsSinceEpoch: 1_800_000_000_000, slot: 300, random: 1).text

    private func body(_ members: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: members))
    }

    private func assertRefused(
        _ members: [String: Any], _ code: APIErrorCode, field: String?, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try CreateRefundRequest(body: body(members)), file: file, line: line) { error in
            let apiError = error as? APIError
            XCTAssertEqual(apiError?.code, code, file: file, line: line)
            XCTAssertEqual(apiError?.field, field, file: file, line: line)
        }
    }

    func testAValidRequest() throws {
        let request = try CreateRefundRequest(
            body: body(["payment_id": paymentId, "merchant_refund_no": "r-1_A", "amount": "3.00", "reason": "damaged"]))
        XCTAssertEqual(request.paymentId.text, paymentId)
        XCTAssertEqual(request.paymentId.slot, 300)
        XCTAssertEqual(request.merchantRefundNo, "r-1_A")
        XCTAssertEqual(try request.amount(in: .cny), Money(minorUnits: 300, currency: .cny))
        XCTAssertEqual(request.reason, "damaged")
    }

    func testFieldsAreChecked() {
        assertRefused(["merchant_refund_no": "r", "amount": "1.00"], .missingField, field: "payment_id")
        assertRefused(["payment_id": "pay_nope", "merchant_refund_no": "r", "amount": "1.00"], .invalidField, field: "payment_id")
        assertRefused(["payment_id": paymentId, "amount": "1.00"], .missingField, field: "merchant_refund_no")
        assertRefused(["payment_id": paymentId, "merchant_refund_no": "r 1", "amount": "1.00"], .invalidField, field: "merchant_refund_no")
        assertRefused(
            ["payment_id": paymentId, "merchant_refund_no": String(repeating: "r", count: 65), "amount": "1.00"], .invalidField,
            field: "merchant_refund_no")
        assertRefused(["payment_id": paymentId, "merchant_refund_no": "r"], .missingField, field: "amount")
        for bad in ["0", "0.00", "-1.00", "1.001", "1e2", "01.00", "100000000.01", ""] {
            assertRefused(["payment_id": paymentId, "merchant_refund_no": "r", "amount": bad], .invalidField, field: "amount")
        }
        assertRefused(["payment_id": paymentId, "merchant_refund_no": "r", "amount": 1], .invalidField, field: "amount")
        assertRefused(
            ["payment_id": paymentId, "merchant_refund_no": "r", "amount": "1.00", "reason": String(repeating: "x", count: 257)],
            .invalidField, field: "reason")
        XCTAssertThrowsError(try CreateRefundRequest(body: Array("[1]".utf8))) { XCTAssertEqual(($0 as? APIError)?.code, .invalidJSON) }
        XCTAssertThrowsError(try CreateRefundRequest(body: Array("{".utf8))) { XCTAssertEqual(($0 as? APIError)?.code, .invalidJSON) }
    }

    /// docs/API.md section 6: a member the body does not define is refused by name, even when
    /// every defined field is valid, and before a missing required one is reported.
    func testUnknownFieldsAreRefusedByName() throws {
        let valid: [String: Any] = ["payment_id": paymentId, "merchant_refund_no": "r", "amount": "1.00", "reason": "late"]
        XCTAssertNoThrow(try CreateRefundRequest(body: body(valid)))
        assertRefused(valid.merging(["currency": "CNY"]) { $1 }, .invalidField, field: "currency")
        assertRefused(valid.merging(["metadata": NSNull()]) { $1 }, .invalidField, field: "metadata")
        assertRefused(["payment_id": paymentId, "merchant_refund_no": "r", "amout": "1.00"], .invalidField, field: "amout")
        XCTAssertEqual(CreateRefundRequest.fieldNames, Set(valid.keys))
    }

    func testTheAmountFollowsThePaymentsCurrency() throws {
        let request = try CreateRefundRequest(body: body(["payment_id": paymentId, "merchant_refund_no": "r", "amount": "1.50"]))
        XCTAssertThrowsError(try request.amount(in: .jpy)) { XCTAssertEqual(($0 as? APIError)?.field, "amount") }
        XCTAssertEqual(try request.amount(in: .usd).minorUnits, 150)
    }

    func testRefundIdsCarryTheirSlot() {
        let id = RefundId(millisecondsSinceEpoch: 1_800_000_000_000, slot: 1023, random: .max)
        XCTAssertEqual(id.text.count, RefundId.length)
        XCTAssertTrue(id.text.hasPrefix("ref_"))
        XCTAssertEqual(id.slot, 1023)
        XCTAssertEqual(RefundId(id.text), id)
        XCTAssertNil(RefundId(paymentId))
        XCTAssertNil(RefundId("ref_" + String(repeating: "G", count: 32)))
    }
}
