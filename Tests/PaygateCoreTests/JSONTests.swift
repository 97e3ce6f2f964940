import XCTest

@testable import PaygateCore

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String) -> JSONValue? {
        try? JSONParser.parse(Array(text.utf8))
    }

    private func roundTrip(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(parse(text)?.serialized, text, file: file, line: line)
    }

    func testCompactDocumentsRoundTrip() {
        roundTrip("{}")
        roundTrip("[]")
        roundTrip("{\"a\":[1,-2.5e+3,true,false,null],\"b\":{\"c\":\"d\"},\"e\":[]}")
        roundTrip("[[[\"x\"]],{}]")
        roundTrip("\"only a string\"")
        roundTrip("0")
    }

    func testWhitespaceIsDroppedOnWrite() {
        XCTAssertEqual(parse(" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : null } ")?.serialized, "{\"a\":[1,2],\"b\":null}")
    }

    func testKeyOrderIsPreserved() {
        roundTrip("{\"z\":1,\"a\":2,\"m\":3}")
        guard case .object(let members) = parse("{\"z\":1,\"a\":2,\"m\":3}") else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["z", "a", "m"])
        XCTAssertNotEqual(parse("{\"a\":1,\"b\":2}"), parse("{\"b\":2,\"a\":1}"))
    }

    func testNumbersKeepTheirText() {
        XCTAssertEqual(parse("1.50"), .number("1.50"))
        XCTAssertEqual(parse("-0"), .number("-0"))
        XCTAssertEqual(parse("1E400"), .number("1E400"))
        XCTAssertEqual(parse("0.1"), .number("0.1"))
        XCTAssertEqual(parse("123456789012345678901234567890"), .number("123456789012345678901234567890"))
        XCTAssertEqual(parse("[12.30]")?.serialized, "[12.30]")
        XCTAssertNotEqual(parse("1.0"), parse("1"))
        XCTAssertNotEqual(parse("\"1\""), parse("1"))
    }

    func testInvalidNumbers() {
        for text in ["01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "NaN", "Infinity", "0x10", "1.2.3", "- 1"] {
            XCTAssertNil(parse(text), text)
            XCTAssertNil(parse("[\(text)]"), text)
        }
    }

    func testStringEscapes() {
        XCTAssertEqual(parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), .string("\"\\/\u{8}\u{c}\n\r\t"))
        XCTAssertEqual(parse("\"\\u0041\\u00e9\\u4E2D\""), .string("A\u{e9}\u{4e2d}"))
        XCTAssertEqual(parse("\"\\ud83d\\ude00\""), .string("\u{1F600}"))
        XCTAssertEqual(parse("\"\\u0000\""), .string("\u{0}"))
        XCTAssertEqual(parse("\"\u{4e2d}\u{1F600}\""), .string("\u{4e2d}\u{1F600}"))
    }

    func testInvalidStrings() {
        XCTAssertNil(parse("\"a"))
        XCTAssertNil(parse("\"\\x\""))
        XCTAssertNil(parse("\"\\u12\""))
        XCTAssertNil(parse("\"\\u12g4\""))
        XCTAssertNil(parse("\"\\ud800\""))
        XCTAssertNil(parse("\"\\ud800x\""))
        XCTAssertNil(parse("\"\\udc00\""))
        XCTAssertNil(parse("\"\\ud800\\ud800\""))
        XCTAssertNil(parse("\"tab\there\""))
        XCTAssertNil(parse("\"new\nline\""))
        XCTAssertNil(try? JSONParser.parse([0x22, 0xFF, 0x22]))
        XCTAssertNil(try? JSONParser.parse([0x22, 0xC3, 0x22]))
        XCTAssertNil(try? JSONParser.parse([0x22, 0xE0, 0x80, 0x80, 0x22]))
    }

    func testInvalidDocuments() {
        for text in [
            "", " ", "{", "}", "[", "[1,]", "[1 2]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\":1}}",
            "{\"a\":1} x", "tru", "nul", "True", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "'x'",
        ] {
            XCTAssertNil(parse(text), text)
        }
    }

    func testSameKeyInDifferentObjectsIsFine() {
        XCTAssertNotNil(parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"))
    }

    /// `depthMax` is 32: 32 nested containers are fine, 33 are "deeper than depthMax".
    func testDepthLimit() {
        let depth = JSONParser.depthMax
        XCTAssertEqual(depth, 32)
        XCTAssertNotNil(parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
        XCTAssertNotNil(parse(String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)))
        XCTAssertNil(parse(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)))
        XCTAssertNil(parse(String(repeating: "{\"a\":", count: depth) + "{}" + String(repeating: "}", count: depth)))
    }

    func testVeryDeepInputFailsCleanly() {
        XCTAssertNil(parse(String(repeating: "[", count: 100_000)))
        XCTAssertNil(parse(String(repeating: "{\"a\":", count: 100_000)))
    }

    func testFailureCarriesOffsetAndReason() {
        do {
            _ = try JSONParser.parse(Array("{\"a\":1} x".utf8))
            XCTFail("parsed trailing garbage")
        } catch {
            XCTAssertEqual(error.offset, 8)
            XCTAssertFalse(error.reason.isEmpty)
        }
    }

    func testSubscript() {
        let value = parse("{\"a\":\"x\",\"b\":null}")
        XCTAssertEqual(value?["a"], .string("x"))
        XCTAssertEqual(value?["b"], .null)
        XCTAssertNil(value?["c"] ?? nil)
        XCTAssertNil(parse("[1]")?["a"] ?? nil)
    }
}

final class JSONWriterTests: XCTestCase {
    private func written(_ text: String) -> String {
        var writer = JSONWriter()
        writer.value(text)
        return writer.string
    }

    func testEscapes() {
        XCTAssertEqual(written("plain"), "\"plain\"")
        XCTAssertEqual(written("a\"b"), "\"a\\\"b\"")
        XCTAssertEqual(written("a\\b"), "\"a\\\\b\"")
        XCTAssertEqual(written("\n\r\t"), "\"\\n\\r\\t\"")
        // Backspace and form feed take their two-byte escapes, so stored JSON is never larger
        // than what the client sent.
        XCTAssertEqual(written("\u{0}\u{1}\u{8}\u{c}\u{1f}"), "\"\\u0000\\u0001\\b\\f\\u001f\"")
        XCTAssertEqual(written("\u{e9}\u{4e2d}\u{1F600}"), "\"\u{e9}\u{4e2d}\u{1F600}\"")
        XCTAssertEqual(written("/ \u{7f}"), "\"/ \u{7f}\"")
        XCTAssertEqual(written(""), "\"\"")
    }

    func testEveryControlCharacterSurvivesARoundTrip() throws {
        let text = String(decoding: (0..<0x20).map { UInt8($0) } + Array("\"\\/x".utf8), as: UTF8.self)
        var writer = JSONWriter()
        writer.value(text)
        XCTAssertEqual(try JSONParser.parse(writer.bytes), .string(text))
    }

    func testStructure() {
        var writer = JSONWriter()
        writer.objectOpen()
        writer.member("a", "x")
        writer.member("b", 12)
        writer.member("c", true)
        writer.member("d", nil as String?)
        writer.key("e")
        writer.arrayOpen()
        writer.value(1)
        writer.value("two")
        writer.objectOpen()
        writer.objectClose()
        writer.arrayOpen()
        writer.arrayClose()
        writer.null()
        writer.arrayClose()
        writer.key("f")
        writer.raw(Array("{\"g\":1.50}".utf8))
        writer.member("h", false)
        writer.objectClose()
        XCTAssertEqual(
            writer.string, "{\"a\":\"x\",\"b\":12,\"c\":true,\"d\":null,\"e\":[1,\"two\",{},[],null],\"f\":{\"g\":1.50},\"h\":false}")
        XCTAssertEqual(writer.bytes, Array(writer.string.utf8))
    }

    func testKeysAreEscaped() {
        var writer = JSONWriter()
        writer.objectOpen()
        writer.member("k\"\n", "v")
        writer.objectClose()
        XCTAssertEqual(writer.string, "{\"k\\\"\\n\":\"v\"}")
    }

    func testPaymentObjectShape() throws {
        let payment = Payment(
            id: PaymentId(millisecondsSinceEpoch: 0x0123_4567_89ab, slot: 574, random: 1), merchantId: "mch_1",
            merchantOrderNo: "order-1", amount: Money(minorUnits: 1230, currency: .cny), channel: .alipay, status: .created,
            refundedAmount: Money(minorUnits: 0, currency: .cny), subject: "Caf\u{e9} \"1\"", notifyURL: "https://m.example/n",
            metadataJSON: "{\"k\":\"v\"}", payerJSON: nil, channelPayloadJSON: "{\"pay_url\":\"https://sandbox/p\"}",
            channelTransactionId: nil, failureCode: nil, version: 1,
            createdAt: Timestamp(secondsSinceEpoch: 951_782_400), paidAt: nil, expiresAt: Timestamp(secondsSinceEpoch: 951_783_300))
        let text = String(decoding: payment.json, as: UTF8.self)
        XCTAssertEqual(
            text,
            "{\"payment_id\":\"pay_0123456789ab023e0000000000000001\",\"merchant_id\":\"mch_1\","
                + "\"merchant_order_no\":\"order-1\",\"amount\":\"12.30\",\"currency\":\"CNY\",\"channel\":\"alipay\","
                + "\"status\":\"created\",\"refunded_amount\":\"0.00\",\"subject\":\"Caf\u{e9} \\\"1\\\"\","
                + "\"notify_url\":\"https://m.example/n\",\"metadata\":{\"k\":\"v\"},\"channel_payload\":{\"pay_url\":\"https://sandbox/p\"},"
                + "\"channel_txn_id\":null,\"failure_code\":null,\"created_at\":\"2000-02-29T00:00:00Z\",\"paid_at\":null,"
                + "\"expires_at\":\"2000-02-29T00:15:00Z\",\"risk\":null}")
        XCTAssertNotNil(try JSONParser.parse(payment.json))
    }
}
