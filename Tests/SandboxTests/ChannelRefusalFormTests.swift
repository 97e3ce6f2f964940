import PaygateCore
import XCTest

@testable import Sandbox

/// A value over a channel's limit is refused in that channel's own error form, before anything
/// is created; the same request within the limits is accepted.
final class ChannelRefusalFormTests: XCTestCase {
    let sandbox = SandboxFixture()
    let paymentId = "pay_019ac5b7d1c80123a1b2c3d4e5f60718"

    // MARK: Alipay: code 40004, sub_code, sub_msg naming the field

    func alipay(_ method: String, _ bizContent: String) -> JSONValue? {
        sandbox.handler.handle(HandSigned.alipayPost(method, bizContent: bizContent)).alipayAnswer(method)
    }

    func testAlipayPrecreateLimits() {
        let number = SandboxFixture.orderReference()
        let cases: [(outTradeNo: String, amount: String, subCode: String, field: String)] = [
            (String(repeating: "a", count: 65), #""12.30""#, "ACQ.INVALID_PARAMETER", "out_trade_no"),
            ("pay-1", #""12.30""#, "ACQ.INVALID_PARAMETER", "out_trade_no"),
            (number, #""12.345""#, "ACQ.INVALID_PARAMETER", "total_amount"),
            (number, #""0.00""#, "ACQ.INVALID_PARAMETER", "total_amount"),
            (number, #""100000000.01""#, "ACQ.TOTAL_FEE_EXCEED", "total_amount"),
        ]
        for (outTradeNo, amount, subCode, field) in cases {
            let answer = alipay(
                "alipay.trade.precreate", #"{"out_trade_no":"\#(outTradeNo)","total_amount":\#(amount),"subject":"Tea"}"#)
            XCTAssertEqual(answer?.text("code"), "40004", "\(outTradeNo) \(amount)")
            XCTAssertEqual(answer?.text("sub_code"), subCode, "\(outTradeNo) \(amount)")
            XCTAssertTrue(answer?.text("sub_msg")?.hasPrefix(field + " ") == true, "\(answer.map { "\($0)" } ?? "-")")
        }
        XCTAssertNil(sandbox.state.order(channel: .alipay, outTradeNo: number, now: .now()), "nothing was created")
        // A number (as SDKs send amounts) within the limits is accepted, like a string.
        for amount in [#""100000000.00""#, "12.3"] {
            let accepted = alipay(
                "alipay.trade.precreate",
                #"{"out_trade_no":"\#(SandboxFixture.orderReference())","total_amount":\#(amount),"subject":"Tea"}"#)
            XCTAssertEqual(accepted?.text("code"), "10000", amount)
        }
    }

    /// subject, notify_url, time_expire and refund_reason, each one past its limit.
    func testAlipayTextAndTimeLimits() {
        let number = SandboxFixture.orderReference()
        let precreate = { (extra: String, notifyURL: String?) in
            self.sandbox.handler.handle(
                HandSigned.alipayPost(
                    "alipay.trade.precreate", bizContent: #"{"out_trade_no":"\#(number)","total_amount":"1.00",\#(extra)}"#,
                    notifyURL: notifyURL)
            ).alipayAnswer("alipay.trade.precreate")
        }
        let long = String(repeating: "茶", count: 257)
        for (extra, notifyURL, field) in [
            (#""subject":"\#(long)""#, nil, "subject"),
            (#""subject":"Tea""#, "https://pay.example.test/" + String(repeating: "a", count: 232), "notify_url"),
            (#""subject":"Tea","time_expire":"2099-01-01T00:00:00""#, nil, "time_expire"),
        ] as [(String, String?, String)] {
            let answer = precreate(extra, notifyURL)
            XCTAssertEqual(answer?.text("sub_code"), "ACQ.INVALID_PARAMETER", field)
            XCTAssertTrue(answer?.text("sub_msg")?.hasPrefix(field + " ") == true, field)
        }
        XCTAssertEqual(precreate(#""subject":"\#(long.dropLast())","time_expire":"2099-01-01 00:00:00""#, nil)?.text("code"), "10000")
        let refund = alipay(
            "alipay.trade.refund", #"{"out_trade_no":"\#(number)","refund_amount":"1.00","refund_reason":"\#(long)"}"#)
        XCTAssertEqual(refund?.text("sub_msg"), "refund_reason must be at most 256 characters")
    }

    func testAlipayRefundAndQueryLimits() {
        let number = SandboxFixture.orderReference()
        let longRequest = String(repeating: "r", count: 65)
        let refund = alipay(
            "alipay.trade.refund", #"{"out_trade_no":"\#(number)","refund_amount":"1.00","out_request_no":"\#(longRequest)"}"#)
        XCTAssertEqual(refund?.text("sub_code"), "ACQ.INVALID_PARAMETER")
        XCTAssertEqual(refund?.text("sub_msg"), "out_request_no must be at most 64 characters")
        let amount = alipay("alipay.trade.refund", #"{"out_trade_no":"\#(number)","refund_amount":"1.001","out_request_no":"r1"}"#)
        XCTAssertEqual(amount?.text("sub_code"), "ACQ.INVALID_PARAMETER")
        for method in ["alipay.trade.query", "alipay.trade.close"] {
            XCTAssertEqual(alipay(method, #"{"out_trade_no":"no spaces"}"#)?.text("sub_code"), "ACQ.INVALID_PARAMETER", method)
            XCTAssertEqual(alipay(method, #"{"out_trade_no":"\#(number)"}"#)?.text("sub_code"), "ACQ.TRADE_NOT_EXIST", method)
        }
    }

    // MARK: WeChat Pay: HTTP 400, {"code":"PARAM_ERROR","message":...}, signed

    func native(
        _ outTradeNo: String, total: String = "1230", notifyURL: String = SandboxFixture.callbackBase + "wechatpay",
        description: String = "Tea", timeExpire: String = "2099-01-01T00:00:00+08:00"
    ) -> HTTPResponse {
        sandbox.handler.handle(
            HandSigned.weChatPay(
                "POST", "/v3/pay/transactions/native",
                body: #"{"appid":"wx8888888888888888","mchid":"\#(SandboxFixture.weChatPayMerchantId)","description":"\#(description)","#
                    + #""time_expire":"\#(timeExpire)","out_trade_no":"\#(outTradeNo)","notify_url":"\#(notifyURL)","amount":{"total":\#(total),"currency":"CNY"}}"#
            ))
    }

    func assertParamError(_ response: HTTPResponse, naming field: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.status, 400, response.text, file: file, line: line)
        let answer = JSONValue.object(response.body)
        XCTAssertEqual(answer?.text("code"), "PARAM_ERROR", file: file, line: line)
        XCTAssertTrue(answer?.text("message")?.hasPrefix(field + " ") == true, response.text, file: file, line: line)
        XCTAssertTrue(response.headers.contains { $0.name == "Wechatpay-Signature" }, "errors are signed too", file: file, line: line)
    }

    func testWeChatPayNativeLimits() {
        assertParamError(native(paymentId), naming: "out_trade_no")
        assertParamError(native("12345"), naming: "out_trade_no")
        assertParamError(native(SandboxFixture.orderReference(), total: "0"), naming: "amount.total")
        assertParamError(native(SandboxFixture.orderReference(), total: "12.3"), naming: "amount.total")
        assertParamError(native(SandboxFixture.orderReference(), total: #""1230""#), naming: "amount.total")
        assertParamError(native(SandboxFixture.orderReference(), notifyURL: "http://127.0.0.1:9/notify"), naming: "notify_url")
        assertParamError(native(SandboxFixture.orderReference(), description: "Tea \u{1F375}"), naming: "description")
        assertParamError(native(SandboxFixture.orderReference(), timeExpire: "2099-01-01 00:00:00"), naming: "time_expire")
        XCTAssertEqual(native(SandboxFixture.orderReference()).status, 200)
        let query = sandbox.handler.handle(
            HandSigned.weChatPay("GET", "/v3/pay/transactions/out-trade-no/\(paymentId)?mchid=\(SandboxFixture.weChatPayMerchantId)"))
        assertParamError(query, naming: "out_trade_no")
    }

    func testWeChatPayRefundLimits() {
        func refund(_ refundNumber: String, reason: String = "damaged", refund: String = "100") -> HTTPResponse {
            sandbox.handler.handle(
                HandSigned.weChatPay(
                    "POST", "/v3/refund/domestic/refunds",
                    body: #"{"out_trade_no":"\#(SandboxFixture.orderReference())","out_refund_no":"\#(refundNumber)","#
                        + #""reason":"\#(reason)","amount":{"refund":\#(refund),"total":1230,"currency":"CNY"}}"#))
        }
        assertParamError(refund(String(repeating: "r", count: 65)), naming: "out_refund_no")
        assertParamError(refund(SandboxFixture.orderReference(), reason: String(repeating: "坏", count: 27)), naming: "reason")
        assertParamError(refund(SandboxFixture.orderReference(), refund: "0"), naming: "amount.refund")
        assertParamError(refund(SandboxFixture.orderReference(), reason: "broken \u{1F494}"), naming: "reason")
        // Within the limits the refund gets as far as its order, which does not exist.
        let unknown = refund(SandboxFixture.orderReference(), reason: String(repeating: "坏", count: 26))
        XCTAssertEqual(unknown.status, 404, unknown.text)
    }

    // MARK: UnionPay: respCode 10, respMsg naming the field

    func qrApply(
        _ orderId: String, txnAmt: String = "1230", txnTime: String = "20261127231447", payTimeout: String = "20991127231447",
        backURL: String = SandboxFixture.callbackBase + "unionpay"
    ) -> [String: String] {
        sandbox.handler.handle(
            HandSigned.unionPay(
                "/backTransReq.do",
                HandSigned.unionPayCommon + [
                    ("bizType", "000000"), ("txnType", "01"), ("txnSubType", "07"), ("channelType", "08"), ("orderId", orderId),
                    ("txnTime", txnTime), ("txnAmt", txnAmt), ("currencyCode", "156"), ("backUrl", backURL),
                    ("payTimeout", payTimeout),
                ])
        ).unionPayFields
    }

    func testUnionPayLimits() {
        for (orderId, txnAmt, field) in [
            (paymentId, "1230", "orderId"), ("1234567", "1230", "orderId"), (SandboxFixture.orderReference(), "0100", "txnAmt"),
            (SandboxFixture.orderReference(), "1000000000000", "txnAmt"),
        ] {
            let answer = qrApply(orderId, txnAmt: txnAmt)
            XCTAssertEqual(answer["respCode"], "10", "\(orderId) \(txnAmt)")
            XCTAssertTrue(answer["respMsg"]?.hasPrefix(field + " ") == true, "\(answer)")
        }
        for (answer, field) in [
            (qrApply(SandboxFixture.orderReference(), txnTime: "2026-11-27 23:14"), "txnTime"),
            (qrApply(SandboxFixture.orderReference(), payTimeout: "20991127"), "payTimeout"),
            (
                qrApply(SandboxFixture.orderReference(), backURL: "https://pay.example.test/" + String(repeating: "a", count: 232)),
                "backUrl"
            ),
        ] {
            XCTAssertEqual(answer["respCode"], "10", field)
            XCTAssertTrue(answer["respMsg"]?.hasPrefix(field + " ") == true, "\(answer)")
        }
        XCTAssertEqual(qrApply(SandboxFixture.orderReference())["respCode"], "00")
        let refund = sandbox.handler.handle(
            HandSigned.unionPay(
                "/backTransReq.do",
                HandSigned.unionPayCommon + [
                    ("bizType", "000000"), ("txnType", "04"), ("txnSubType", "00"), ("orderId", "ref_019ac5b7d1c80123"),
                    ("origQryId", "202611272314470000001"), ("txnTime", "20261127231447"), ("txnAmt", "100"),
                ])
        ).unionPayFields
        XCTAssertEqual(refund["respCode"], "10", "\(refund)")
        let query = sandbox.handler.handle(
            HandSigned.unionPay(
                "/queryTrans.do",
                HandSigned.unionPayCommon + [
                    ("bizType", "000000"), ("txnType", "00"), ("txnSubType", "00"), ("orderId", paymentId), ("txnTime", "20261127231447"),
                ])
        ).unionPayFields
        XCTAssertEqual(query["respCode"], "10", "\(query)")
    }
}
