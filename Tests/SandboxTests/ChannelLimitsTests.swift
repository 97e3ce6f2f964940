import PaygateCore
import XCTest

@testable import Sandbox

/// Each channel's published limits, as pure rules: the boundary values on both sides.
final class ChannelLimitsTests: XCTestCase {
    /// paygate's channel number: a payment id (or refund id) without its prefix, 32 hex digits.
    let reference = "019ac5b7d1c80123a1b2c3d4e5f60718"
    /// The 36-character payment id paygate sent before: too long for WeChat Pay and UnionPay.
    let paymentId = "pay_019ac5b7d1c80123a1b2c3d4e5f60718"

    func testAlipayOrderNumbers() {
        for accepted in [reference, paymentId, "a", String(repeating: "A_9", count: 21) + "x"] {
            XCTAssertNil(AlipayLimits.outTradeNo(accepted), accepted)
        }
        for refused in ["", String(repeating: "a", count: 65), "pay-1", "order 1", "单号1", "a|b"] {
            XCTAssertEqual(AlipayLimits.outTradeNo(refused)?.field, "out_trade_no", refused)
        }
        XCTAssertNil(AlipayLimits.outRequestNo(String(repeating: "r", count: 64)))
        XCTAssertNotNil(AlipayLimits.outRequestNo(String(repeating: "r", count: 65)))
        XCTAssertNotNil(AlipayLimits.outRequestNo(""))
    }

    func testAlipayAmounts() throws {
        let accepted: [(JSONValue, Int64)] = [
            (.string("0.01"), 1), (.string("12.30"), 1230), (.string("12.3"), 1230), (.string("12"), 1200),
            (.string("100000000.00"), 10_000_000_000), (.number("12.3"), 1230), (.number("100000000"), 10_000_000_000),
        ]
        for (value, fen) in accepted {
            XCTAssertEqual(
                try AlipayLimits.amount(value, field: "total_amount", aboveMaximumCode: AlipayLimits.totalFeeExceed).minorUnits, fen,
                "\(value)")
        }
        let malformed: [JSONValue] = [
            .string("0"), .string("0.00"), .string("0.001"), .string("12.345"), .string("-1.00"), .string("+1.00"), .string("1e2"),
            .string("012.30"), .string("12."), .string(".5"), .string(""), .string("1,00"), .number("1e2"), .number("0.30000000000000004"),
            .bool(true), .null,
        ]
        for value in malformed {
            XCTAssertThrowsError(try AlipayLimits.amount(value, field: "total_amount", aboveMaximumCode: AlipayLimits.totalFeeExceed)) {
                XCTAssertEqual(($0 as? LimitRefusal)?.code, nil, "\(value)")
            }
        }
        for value: JSONValue in [.string("100000000.01"), .string("1000000000"), .string("99999999999999999999.00")] {
            XCTAssertThrowsError(try AlipayLimits.amount(value, field: "total_amount", aboveMaximumCode: AlipayLimits.totalFeeExceed)) {
                XCTAssertEqual(($0 as? LimitRefusal)?.code, AlipayLimits.totalFeeExceed, "\(value)")
            }
        }
    }

    func testWeChatPayOrderAndRefundNumbers() {
        for accepted in [reference, "123456", String(repeating: "x", count: 32), "a_b-c|d*e"] {
            XCTAssertNil(WeChatPayLimits.outTradeNo(accepted), accepted)
        }
        for refused in [paymentId + "0", "12345", String(repeating: "x", count: 33), "a@bcdef", "ab cdef", "订单号123456"] {
            XCTAssertEqual(WeChatPayLimits.outTradeNo(refused)?.field, "out_trade_no", refused)
        }
        XCTAssertNotNil(WeChatPayLimits.outTradeNo(paymentId), "36 characters")
        for accepted in [reference, "r", String(repeating: "r", count: 64), "a_b-c|d*e@f", paymentId] {
            XCTAssertNil(WeChatPayLimits.outRefundNo(accepted), accepted)
        }
        for refused in ["", String(repeating: "r", count: 65), "a.b", "a/b"] {
            XCTAssertEqual(WeChatPayLimits.outRefundNo(refused)?.field, "out_refund_no", refused)
        }
    }

    func testWeChatPayAmountsAndURLs() throws {
        let amount = try XCTUnwrap(JSONValue.object(Array(#"{"total":1,"refund":"5","big":10000000000,"half":1.5,"zero":0}"#.utf8)))
        XCTAssertEqual(try WeChatPayLimits.fen(amount, member: "total"), 1)
        XCTAssertEqual(try WeChatPayLimits.fen(amount, member: "big"), 10_000_000_000)
        for member in ["refund", "half", "zero", "missing"] {
            XCTAssertThrowsError(try WeChatPayLimits.fen(amount, member: member), member)
        }
        XCTAssertNil(WeChatPayLimits.notifyURL("https://pay.example.test/callbacks/wechatpay"))
        for refused in [
            "http://pay.example.test/callbacks/wechatpay", "https://pay.example.test/callbacks/wechatpay?a=1",
            "https://pay.example.test/" + String(repeating: "a", count: 232),
        ] {
            XCTAssertNotNil(WeChatPayLimits.notifyURL(refused), refused)
        }
        XCTAssertNil(WeChatPayLimits.notifyURL("https://pay.example.test/" + String(repeating: "a", count: 231)), "256 characters")
    }

    /// API v3 takes one- to three-byte UTF-8 characters only; its times come in four ISO 8601 forms.
    func testWeChatPayCharactersAndTimes() throws {
        XCTAssertNil(WeChatPayLimits.characters("Coffee 咖啡 ☕", field: "description"), "U+2615 is three bytes")
        XCTAssertEqual(WeChatPayLimits.characters("Coffee \u{1F600}", field: "description")?.field, "description")
        let expected = try XCTUnwrap(Timestamp(parsing: "2026-11-27T15:14:47Z"))
        for text in ["2026-11-27T23:14:47+08:00", "2026-11-27T23:14:47.000+08:00", "2026-11-27T15:14:47Z", "2026-11-27T15:14:47.000Z"] {
            XCTAssertEqual(ChannelTime.parseRFC3339(text), expected, text)
        }
        for text in ["2026-11-27 23:14:47+08:00", "2026-11-27T23:14:47+09:00", "2026-11-27T23:14:47", "2026-11-27T23:14:47Z+08:00", ""] {
            XCTAssertNil(ChannelTime.parseRFC3339(text), text)
        }
        XCTAssertEqual(ChannelTime.parseDateTime("2026-11-27 23:14:47"), expected)
        XCTAssertNil(ChannelTime.parseDateTime("2026-11-27T23:14:47"), "Alipay's times have a space")
    }

    func testUnionPayOrderIdsAndAmounts() throws {
        for accepted in [reference, "12345678", String(repeating: "Z", count: 32)] {
            XCTAssertNil(UnionPayLimits.orderId(accepted), accepted)
        }
        for refused in [paymentId, "ref_0123456789", "1234567", String(repeating: "Z", count: 33), "order-12345", "订单12345678"] {
            XCTAssertEqual(UnionPayLimits.orderId(refused)?.field, "orderId", refused)
        }
        XCTAssertEqual(try UnionPayLimits.txnAmt("1").minorUnits, 1)
        XCTAssertEqual(try UnionPayLimits.txnAmt("999999999999").minorUnits, 999_999_999_999)
        for refused in ["0", "0100", "1000000000000", "12.30", "-1", "", nil, " 1"] as [String?] {
            XCTAssertThrowsError(try UnionPayLimits.txnAmt(refused), refused ?? "nil")
        }
        XCTAssertNil(UnionPayLimits.time("20261127231447", field: "txnTime"))
        XCTAssertNotNil(UnionPayLimits.time("2026-11-27 23:14", field: "txnTime"))
    }
}
