import XCTest

@testable import PaygateCore

// The request body's contents: metadata, payer, and JSON that is not valid.
extension CreatePaymentRequestTests {
    // MARK: metadata and payer

    private func metadata(_ count: Int) -> String {
        "{" + (0..<count).map { "\"k\($0)\":\"v\($0)\"" }.joined(separator: ",") + "}"
    }

    func testMetadataCount() throws {
        XCTAssertEqual(try CreatePaymentRequest(body: body(set: [("metadata", metadata(20))])).metadataJSON, metadata(20))
        XCTAssertEqual(try CreatePaymentRequest(body: body(set: [("metadata", "{}")])).metadataJSON, "{}")
        assertAPIError(.invalidField, field: "metadata", parse(body(set: [("metadata", metadata(21))])))
    }

    func testMetadataValuesMustBeStrings() {
        for bad in ["{\"a\":1}", "{\"a\":null}", "{\"a\":true}", "{\"a\":{}}", "{\"a\":[\"x\"]}", "\"x\"", "[]", "1"] {
            assertAPIError(.invalidField, field: "metadata", parse(body(set: [("metadata", bad)])))
        }
    }

    /// Every accepted metadata object must fit its TEXT column (65 535 bytes). Escapes such as
    /// "\b" (2 bytes in) are written back as "\u0008" (6 bytes out), so a request well under the
    /// body limit can produce stored JSON larger than the column.
    func testAcceptedMetadataFitsItsColumn() throws {
        let entries = (0..<20).map { index in
            let key = (index < 10 ? "0\(index)" : "\(index)") + String(repeating: "\\b", count: 62)
            return "\"\(key)\":\"" + String(repeating: "\\b", count: 512) + "\""
        }
        let bytes = body(set: [("metadata", "{" + entries.joined(separator: ",") + "}")])
        XCTAssertLessThan(bytes.count, 65_536)
        do {
            let request = try CreatePaymentRequest(body: bytes)
            XCTAssertLessThanOrEqual(request.metadataJSON.utf8.count, 65_535)
        } catch {
            XCTAssertEqual(error.code, .invalidField)
        }
    }

    func testPayerRules() throws {
        XCTAssertEqual(try CreatePaymentRequest(body: body(set: [("payer", "{}")])).payerJSON, "{}")
        XCTAssertEqual(try CreatePaymentRequest(body: body(set: [("payer", "{\"user_id\":\"u\"}")])).payerJSON, "{\"user_id\":\"u\"}")
        for bad in ["\"203.0.113.7\"", "[]", "1", "{\"email\":\"a@b.c\"}", "{\"ip\":1}", "{\"ip\":null}", "{\"ip\":\"x\",\"extra\":\"y\"}"]
        {
            assertAPIError(.invalidField, field: "payer", parse(body(set: [("payer", bad)])))
        }
    }

    // MARK: invalid JSON

    func testInvalidJSON() {
        let valid = body()
        let cases: [[UInt8]] = [
            [],
            Array("{".utf8),
            Array(valid.dropLast()),
            valid + Array(" x".utf8),
            valid + Array("{}".utf8),
            Array("{\"amount\":\"1\",\"amount\":\"2\"}".utf8),
            Array("[]".utf8),
            Array("[{}]".utf8),
            Array("\"text\"".utf8),
            Array("null".utf8),
            Array("42".utf8),
            Array("{'amount':'1'}".utf8),
            Array("{\"a\":\"b\",}".utf8),
            Array("{\"a\":\"b\" /* c */}".utf8),
            Array("{\"subject\":\"".utf8) + [0xFF] + Array("\"}".utf8),
            Array("{\"subject\":\"".utf8) + [0xC0, 0xAF] + Array("\"}".utf8),
            Array("{\"subject\":\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8),
            Array("{\"subject\":\"\\ud800\"}".utf8),
            Array("{\"subject\":\"\\udc00\"}".utf8),
            Array("{\"subject\":\"\\ud800\\u0041\"}".utf8),
            Array("{\"subject\":\"a\u{1}b\"}".utf8),
        ]
        for (index, bytes) in cases.enumerated() {
            guard let error = thrownAPIError(parse(bytes)) else { continue }
            XCTAssertEqual(error.code, .invalidJSON, "case \(index): \(String(decoding: bytes, as: UTF8.self))")
            XCTAssertNil(error.field, "case \(index)")
        }
    }

    func testDuplicateKeyAmongValidMembersIsInvalidJSON() {
        var text = String(decoding: body(), as: UTF8.self)
        text.removeLast()
        assertAPIError(.invalidJSON, parse(Array((text + ",\"amount\":\"99.00\"}").utf8)))
    }
}
