import XCTest

@testable import PaygateCore

final class CreatePaymentRequestTests: XCTestCase {
    /// Raw JSON text of each member of a valid body, in order.
    private let validMembers: [(String, String)] = [
        ("merchant_order_no", "\"order-1\""),
        ("amount", "\"12.30\""),
        ("currency", "\"CNY\""),
        ("channel", "\"alipay\""),
        ("subject", "\"Coffee\""),
        ("notify_url", "\"https://merchant.example/notify\""),
    ]

    /// A body built from the valid members: `set` replaces or appends raw JSON values, `remove` drops members.
    func body(set: [(String, String)] = [], remove: Set<String> = []) -> [UInt8] {
        var members = validMembers.filter { !remove.contains($0.0) }
        for (name, value) in set {
            if let index = members.firstIndex(where: { $0.0 == name }) { members[index].1 = value } else { members.append((name, value)) }
        }
        return Array(("{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    func parse(_ bytes: [UInt8]) -> () throws(APIError) -> CreatePaymentRequest {
        { () throws(APIError) in try CreatePaymentRequest(body: bytes) }
    }

    func quoted(_ text: String) -> String { "\"" + text + "\"" }

    // MARK: valid

    func testValidBodyWithDefaults() throws {
        let request = try CreatePaymentRequest(body: body())
        XCTAssertEqual(request.merchantOrderNo, "order-1")
        XCTAssertEqual(request.amount, Money(minorUnits: 1230, currency: .cny))
        XCTAssertEqual(request.channel, .alipay)
        XCTAssertEqual(request.subject, "Coffee")
        XCTAssertEqual(request.notifyURL, "https://merchant.example/notify")
        XCTAssertEqual(request.expireSeconds, 900)
        XCTAssertEqual(request.metadataJSON, "{}")
        XCTAssertNil(request.payerJSON)
    }

    func testValidBodyWithEveryOptionalField() throws {
        let request = try CreatePaymentRequest(
            body: body(set: [
                ("currency", "\"JPY\""), ("amount", "\"1500\""), ("channel", "\"unionpay\""),
                ("expire_seconds", "3600"),
                ("payer", "{\"ip\":\"203.0.113.7\",\"device_id\":\"d-1\",\"user_id\":\"u-1\"}"),
                ("metadata", "{\"z\":\"last\",\"a\":\"first\"}"),
            ]))
        XCTAssertEqual(request.amount, Money(minorUnits: 1500, currency: .jpy))
        XCTAssertEqual(request.channel, .unionpay)
        XCTAssertEqual(request.expireSeconds, 3600)
        XCTAssertEqual(request.payerJSON, "{\"ip\":\"203.0.113.7\",\"device_id\":\"d-1\",\"user_id\":\"u-1\"}")
        XCTAssertEqual(request.metadataJSON, "{\"z\":\"last\",\"a\":\"first\"}")
    }

    func testNullOptionalFieldsTakeDefaults() throws {
        let request = try CreatePaymentRequest(body: body(set: [("expire_seconds", "null"), ("payer", "null"), ("metadata", "null")]))
        XCTAssertEqual(request.expireSeconds, 900)
        XCTAssertNil(request.payerJSON)
        XCTAssertEqual(request.metadataJSON, "{}")
    }

    func testWhitespaceAroundTheBody() throws {
        XCTAssertEqual(try CreatePaymentRequest(body: Array(" \n\t".utf8) + body() + Array("\r\n ".utf8)).merchantOrderNo, "order-1")
    }

    // MARK: required fields

    func testEachRequiredFieldMissing() {
        for (name, _) in validMembers {
            assertAPIError(.missingField, field: name, parse(body(remove: [name])))
            assertAPIError(.missingField, field: name, parse(body(set: [(name, "null")])))
        }
    }

    func testEmptyObjectNamesTheFirstField() {
        assertAPIError(.missingField, field: "merchant_order_no", parse(Array("{}".utf8)))
    }

    func testWrongTypes() {
        assertAPIError(.invalidField, field: "merchant_order_no", parse(body(set: [("merchant_order_no", "123")])))
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("amount", "12.30")])))
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("amount", "1230")])))
        assertAPIError(.invalidField, field: "currency", parse(body(set: [("currency", "156")])))
        assertAPIError(.invalidField, field: "channel", parse(body(set: [("channel", "true")])))
        assertAPIError(.invalidField, field: "subject", parse(body(set: [("subject", "[\"Coffee\"]")])))
        assertAPIError(.invalidField, field: "notify_url", parse(body(set: [("notify_url", "{}")])))
    }

    // MARK: unknown fields (docs/API.md section 5)

    func testUnknownFieldIsRefusedByName() {
        assertAPIError(.invalidField, field: "expire_second", parse(body(set: [("expire_second", "3600")])))
        assertAPIError(.invalidField, field: "description", parse(body(set: [("description", "null")])))
        assertAPIError(.invalidField, field: "", parse(body(set: [("", "\"x\"")])))
        // A name differing only in case is another name.
        assertAPIError(.invalidField, field: "Amount", parse(body(set: [("Amount", "\"1.00\"")])))
    }

    func testUnknownFieldIsReportedBeforeAMissingRequiredOne() {
        // A misspelt required field is named as sent, not reported as the field it was meant to be.
        var members = validMembers.filter { $0.0 != "amount" }
        members.append(("amout", "\"12.30\""))
        let text = "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        assertAPIError(.invalidField, field: "amout", parse(Array(text.utf8)))
    }

    func testEveryDefinedFieldIsAccepted() throws {
        XCTAssertEqual(CreatePaymentRequest.fieldNames, Set(validMembers.map(\.0)).union(["expire_seconds", "payer", "metadata"]))
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("expire_seconds", "900"), ("payer", "{}"), ("metadata", "{}")])))
    }

    // MARK: codes

    func testUnsupportedCurrency() {
        assertAPIError(.unsupportedCurrency, field: "currency", parse(body(set: [("currency", "\"XYZ\"")])))
        assertAPIError(.unsupportedCurrency, field: "currency", parse(body(set: [("currency", "\"cny\"")])))
        assertAPIError(.unsupportedCurrency, field: "currency", parse(body(set: [("currency", "\"\"")])))
        assertAPIError(.unsupportedCurrency, field: "currency", parse(body(set: [("currency", "\"GBP\"")])))
    }

    func testUnsupportedChannel() {
        assertAPIError(.unsupportedChannel, field: "channel", parse(body(set: [("channel", "\"paypal\"")])))
        assertAPIError(.unsupportedChannel, field: "channel", parse(body(set: [("channel", "\"Alipay\"")])))
        assertAPIError(.unsupportedChannel, field: "channel", parse(body(set: [("channel", "\"\"")])))
    }

    func testAmountRules() throws {
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("amount", "\"0\"")])))
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("amount", "\"-1\"")])))
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("amount", "\"1.234\"")])))
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("amount", "\"100000000.01\"")])))
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("amount", "\"\"")])))
        assertAPIError(.invalidField, field: "amount", parse(body(set: [("currency", "\"JPY\""), ("amount", "\"1.5\"")])))
        XCTAssertEqual(try CreatePaymentRequest(body: body(set: [("amount", "\"100000000\"")])).amount.minorUnits, 10_000_000_000)
    }

    func testMerchantOrderNoRules() throws {
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("merchant_order_no", quoted(String(repeating: "a", count: 64)))])))
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("merchant_order_no", "\"A-z_09\"")])))
        assertAPIError(
            .invalidField, field: "merchant_order_no", parse(body(set: [("merchant_order_no", quoted(String(repeating: "a", count: 65)))])))
        assertAPIError(.invalidField, field: "merchant_order_no", parse(body(set: [("merchant_order_no", "\"\"")])))
        assertAPIError(.invalidField, field: "merchant_order_no", parse(body(set: [("merchant_order_no", "\"a b\"")])))
        assertAPIError(.invalidField, field: "merchant_order_no", parse(body(set: [("merchant_order_no", "\"a.b\"")])))
        assertAPIError(.invalidField, field: "merchant_order_no", parse(body(set: [("merchant_order_no", "\"\u{8ba2}\u{5355}\"")])))
    }

    // MARK: subject

    func testSubjectLength() throws {
        assertAPIError(.invalidField, field: "subject", parse(body(set: [("subject", "\"\"")])))
        XCTAssertEqual(
            try CreatePaymentRequest(body: body(set: [("subject", quoted(String(repeating: "s", count: 128)))])).subject.count, 128)
        assertAPIError(.invalidField, field: "subject", parse(body(set: [("subject", quoted(String(repeating: "s", count: 129)))])))
    }

    func testSubjectCountsMultiByteCharactersAsCharacters() throws {
        // 128 characters of 3 bytes each (384 bytes) are fine; 129 are not.
        XCTAssertEqual(
            try CreatePaymentRequest(body: body(set: [("subject", quoted(String(repeating: "\u{4e2d}", count: 128)))])).subject.count, 128)
        assertAPIError(.invalidField, field: "subject", parse(body(set: [("subject", quoted(String(repeating: "\u{4e2d}", count: 129)))])))
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("subject", quoted(String(repeating: "\u{e9}", count: 128)))])))
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("subject", quoted(String(repeating: "\u{1F600}", count: 128)))])))
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("subject", "\"" + String(repeating: "\\u00e9", count: 128) + "\"")])))
    }

    /// docs/API.md section 5 counts code points: a subject of 128 user-perceived characters that
    /// takes more code points (a letter and its combining accent, decomposed) is refused, and
    /// 128 code points are accepted whatever characters they make.
    func testSubjectLengthIsCountedInCodePoints() throws {
        let decomposed = String(repeating: "e\u{301}", count: 64)
        XCTAssertEqual(decomposed.count, 64)
        XCTAssertEqual(decomposed.unicodeScalars.count, 128)
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("subject", quoted(decomposed))])))
        let longer = String(repeating: "e\u{301}", count: 65)
        XCTAssertEqual(longer.count, 65)
        assertAPIError(.invalidField, field: "subject", parse(body(set: [("subject", quoted(longer))])))
        let payer = "{\"user_id\":\"" + String(repeating: "e\u{301}", count: 65) + "\"}"
        assertAPIError(.invalidField, field: "payer", parse(body(set: [("payer", payer)])))
        let metadata = "{\"k\":\"" + String(repeating: "e\u{301}", count: 257) + "\"}"
        assertAPIError(.invalidField, field: "metadata", parse(body(set: [("metadata", metadata)])))
    }

    /// The column is VARCHAR(512) in utf8mb4, which counts code points. One Swift Character can
    /// carry any number of combining marks, so a "1-character" subject can still overflow the
    /// column and fail at the database (a 500) instead of being answered as invalid_field.
    func testSubjectThatCannotFitItsColumnIsRefused() {
        let oneCharacter = "e" + String(repeating: "\u{301}", count: 600)
        XCTAssertEqual(oneCharacter.count, 1)
        assertAPIError(.invalidField, field: "subject", parse(body(set: [("subject", quoted(oneCharacter))])))
    }

    // MARK: notify_url

    func testNotifyURLAccepted() {
        for url in ["https://merchant.example/notify", "http://127.0.0.1:8080/hook?x=1", "HTTPS://Merchant.Example", "https://a"] {
            XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("notify_url", quoted(url))])), url)
        }
        let longest = "https://m.example/" + String(repeating: "p", count: 512 - 18)
        XCTAssertEqual(longest.count, 512)
        XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("notify_url", quoted(longest))])))
    }

    /// The host is a name, an IPv4 address or a bracketed IPv6 address, with an optional port:
    /// a URL that names no deliverable address is refused at create (docs/API.md section 5).
    func testNotifyURLHostAndPort() {
        for url in [
            "http://[::1]:8080/hook", "https://[2001:db8::7]/", "http://a-b.example:1/", "https://x.example:65535",
            "http://127.0.0.1/p[1]?q=[2]", "https://m.example/caf\u{e9}",
        ] {
            XCTAssertNoThrow(try CreatePaymentRequest(body: body(set: [("notify_url", quoted(url))])), url)
        }
        for url in [
            "http://[", "http://[abc", "http://[]/", "http://[::1", "http://[::1]x/", "http://a]b/", "http://ex_ample/",
            "https://caf\u{e9}.example/", "http://a:/", "http://a:65536/", "http://a:123456/", "http://a:8x/",
            "http://user@a/", "http://a:b@c/", "http://:80/", "https://m.example:80:81/",
        ] {
            assertAPIError(.invalidField, field: "notify_url", parse(body(set: [("notify_url", quoted(url))])))
        }
    }

    func testNotifyURLRefused() {
        let tooLong = "https://m.example/" + String(repeating: "p", count: 513 - 18)
        for url in [
            "", "merchant.example/notify", "ftp://merchant.example/", "http://", "https://", "http:///path",
            "https://?q", "javascript:alert(1)", "https://a b", "https://a\\tb", "https://a\\u0000b", "//merchant.example", tooLong,
        ] {
            assertAPIError(.invalidField, field: "notify_url", parse(body(set: [("notify_url", quoted(url))])))
        }
    }

    // MARK: expire_seconds

    func testExpireSeconds() throws {
        XCTAssertEqual(try CreatePaymentRequest(body: body(set: [("expire_seconds", "60")])).expireSeconds, 60)
        XCTAssertEqual(try CreatePaymentRequest(body: body(set: [("expire_seconds", "86400")])).expireSeconds, 86_400)
        for bad in ["59", "86401", "\"900\"", "1.5", "900.0", "9e2", "-900", "0", "true", "99999999999999999999999"] {
            assertAPIError(.invalidField, field: "expire_seconds", parse(body(set: [("expire_seconds", bad)])))
        }
    }
}
