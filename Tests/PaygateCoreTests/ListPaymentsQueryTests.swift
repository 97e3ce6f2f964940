import XCTest

@testable import PaygateCore

final class ListPaymentsQueryTests: XCTestCase {
    private let id = "pay_0123456789ab023efedcba9876543210"

    private func query(_ text: String) -> () throws(APIError) -> ListPaymentsQuery {
        { () throws(APIError) in try ListPaymentsQuery(query: Substring(text)) }
    }

    func testDefaults() throws {
        let parsed = try ListPaymentsQuery(query: "")
        XCTAssertEqual(parsed.limit, 10)
        XCTAssertNil(parsed.status)
        XCTAssertNil(parsed.createdFrom)
        XCTAssertNil(parsed.createdTo)
        XCTAssertNil(parsed.startingAfter)
        XCTAssertNil(parsed.merchantOrderNo)
    }

    func testLimit() throws {
        XCTAssertEqual(try ListPaymentsQuery(query: "limit=1").limit, 1)
        XCTAssertEqual(try ListPaymentsQuery(query: "limit=100").limit, 100)
        XCTAssertEqual(try ListPaymentsQuery(query: "limit=37").limit, 37)
        for bad in [
            "limit=0", "limit=101", "limit=abc", "limit=", "limit", "limit=1.5", "limit=-1", "limit=99999999999999999999", "limit=%2B5",
            "limit=+5", "limit=5.0", "limit=%205",
        ] {
            assertAPIError(.invalidField, field: "limit", query(bad))
        }
    }

    func testStatus() throws {
        for status in PaymentStatus.allCases {
            XCTAssertEqual(try ListPaymentsQuery(query: Substring("status=" + status.rawValue)).status, status)
        }
        XCTAssertEqual(try ListPaymentsQuery(query: "status=partially_refunded").status, .partiallyRefunded)
        for bad in ["status=paid", "status=CREATED", "status=", "status=partiallyRefunded"] {
            assertAPIError(.invalidField, field: "status", query(bad))
        }
    }

    func testCreatedRange() throws {
        let parsed = try ListPaymentsQuery(query: "created_from=2026-01-31T00:00:00Z&created_to=2026-12-31T23:59:59.500Z")
        XCTAssertEqual(parsed.createdFrom, Timestamp(secondsSinceEpoch: 1_769_817_600))
        XCTAssertEqual(parsed.createdTo, Timestamp(millisecondsSinceEpoch: 1_798_761_599_500))
    }

    func testCreatedRangeRefused() {
        for bad in [
            "2026-01-31", "2026-01-31 00:00:00", "yesterday", "", "1769817600", "2026-13-01T00:00:00Z",
            "2026-01-32T00:00:00Z", "2026-01-31T24:00:00Z", "2026-01-31T00:00:00+08:00", "2026-01-31T00:00Z",
        ] {
            assertAPIError(.invalidField, field: "created_from", query("created_from=" + bad))
            assertAPIError(.invalidField, field: "created_to", query("created_to=" + bad))
        }
    }

    /// February has no 30th: a date that does not exist is refused, not moved into March.
    func testImpossibleDateRefused() {
        assertAPIError(.invalidField, field: "created_from", query("created_from=2026-02-30T00:00:00Z"))
    }

    func testStartingAfter() throws {
        XCTAssertEqual(try ListPaymentsQuery(query: Substring("starting_after=" + id)).startingAfter?.text, id)
        for bad in ["pay_123", id.uppercased(), "pay_0123456789ab023efedcba987654321g", ""] {
            assertAPIError(.invalidField, field: "starting_after", query("starting_after=" + bad))
        }
    }

    func testMerchantOrderNo() throws {
        XCTAssertEqual(try ListPaymentsQuery(query: "merchant_order_no=order-1").merchantOrderNo, "order-1")
        assertAPIError(.invalidField, field: "merchant_order_no", query("merchant_order_no="))
        assertAPIError(.invalidField, field: "merchant_order_no", query("merchant_order_no=a+b"))
        assertAPIError(.invalidField, field: "merchant_order_no", query("merchant_order_no=" + String(repeating: "a", count: 65)))
    }

    func testUnknownParameterRefused() {
        assertAPIError(.invalidField, field: "foo", query("foo=1"))
        assertAPIError(.invalidField, field: "Limit", query("Limit=5"))
        assertAPIError(.invalidField, field: "ending_before", query("limit=5&ending_before=" + id))
    }

    func testPercentDecoding() throws {
        let parsed = try ListPaymentsQuery(query: "created_from=2026-01-31T00%3A00%3A00Z&merchant_order_no=order%2D1&lim%69t=%35")
        XCTAssertEqual(parsed.createdFrom, Timestamp(secondsSinceEpoch: 1_769_817_600))
        XCTAssertEqual(parsed.merchantOrderNo, "order-1")
        XCTAssertEqual(parsed.limit, 5)
        XCTAssertEqual(try ListPaymentsQuery(query: "status=partially%5frefunded").status, .partiallyRefunded)
    }

    func testEverythingTogether() throws {
        let parsed = try ListPaymentsQuery(
            query: Substring(
                "status=succeeded&created_from=2026-01-31T00:00:00Z&created_to=2026-12-31T23:59:59Z&limit=100&starting_after=\(id)"))
        XCTAssertEqual(parsed.status, .succeeded)
        XCTAssertEqual(parsed.limit, 100)
        XCTAssertEqual(parsed.startingAfter?.text, id)
        XCTAssertEqual(parsed.createdTo, Timestamp(secondsSinceEpoch: 1_798_761_599))
    }

    func testQueryStringDecode() {
        XCTAssertEqual(QueryString.decode("%41%42"), "AB")
        XCTAssertEqual(QueryString.decode("a+b"), "a b")
        XCTAssertEqual(QueryString.decode("a%20b"), "a b")
        XCTAssertEqual(QueryString.decode("%2B"), "+")
        XCTAssertEqual(QueryString.decode("%e4%b8%ad"), "\u{4e2d}")
        XCTAssertEqual(QueryString.decode("%4"), "%4")
        XCTAssertEqual(QueryString.decode("%zz"), "%zz")
        XCTAssertEqual(QueryString.decode("100%"), "100%")
        XCTAssertEqual(QueryString.decode("%252F"), "%2F")
    }

    func testQueryStringPairs() {
        let pairs = QueryString.pairs("a=1&&b=&c&d=x%3Dy")
        XCTAssertEqual(pairs.map(\.0), ["a", "b", "c", "d"])
        XCTAssertEqual(pairs.map(\.1), ["1", "", "", "x=y"])
    }
}
