import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

/// Refund and refund-query answers are read only for the refund they answer: one that names
/// another refund, another order, another amount (or, on UnionPay, another transaction time or
/// original transaction) is `.unknown`, so the refund is asked about again and nothing the
/// answer says is applied. Each test first shows the matching answer read as usual, so a
/// mismatch test cannot pass by an answer that never verified.
final class RefundMatchingTests: XCTestCase {
    let alipay = AlipayConnector(account: AlipayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) })
    let weChatPay = WeChatPayConnector(
        account: WeChatPayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) },
        makeNonce: { WeChatPayConnectorTests.nonce })
    let unionPay = UnionPayConnector(account: UnionPayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) })
    let order = Fixtures.paymentId.text
    /// The refund's txnTime: its createdAt in China time.
    let refundTime = "20261128001447"

    // MARK: WeChat Pay

    private func weChatRefund(refund: String = "ref_1", order: String? = nil, amount: Int = 500, status: String) -> String {
        #"{"refund_id":"50000000382019052709732678859","out_refund_no":"\#(refund)","out_trade_no":"\#(order ?? self.order)","status":"\#(status)","amount":{"refund":\#(amount),"total":1230,"currency":"CNY"}}"#
    }

    func testWeChatPayRefundAnswersAboutAnotherRefundAreUnknown() throws {
        let refund = Fixtures.refundOrder
        XCTAssertEqual(weChatPay.refundResult(try SignedAnswer.weChatPay(weChatRefund(status: "PROCESSING")), for: refund), .processing)
        XCTAssertEqual(
            weChatPay.refundResult(try SignedAnswer.weChatPay(weChatRefund(refund: "ref_2", status: "PROCESSING")), for: refund),
            .unknown(reason: "the answer is about refund ref_2, not ref_1"))
        XCTAssertEqual(
            weChatPay.refundResult(
                try SignedAnswer.weChatPay(weChatRefund(order: "pay_019ac5b7d1c80123a1b2c3d4e5f60719", status: "PROCESSING")), for: refund),
            .unknown(
                reason:
                    "the answer is about order pay_019ac5b7d1c80123a1b2c3d4e5f60719, not \(WeChatPayTransformers.reference.payment(Fixtures.paymentId))"
            ))
        XCTAssertEqual(
            weChatPay.refundResult(try SignedAnswer.weChatPay(weChatRefund(amount: 400, status: "PROCESSING")), for: refund),
            .unknown(reason: "the answer names the amount 400, not this refund's 500 minor units"))
    }

    func testWeChatPayRefundQueryAboutAnotherRefundIsNeverASuccess() throws {
        let reference = Fixtures.refundReference
        let matching = try SignedAnswer.weChatPay(weChatRefund(status: "SUCCESS"))
        XCTAssertEqual(weChatPay.refundQueryResult(matching, for: reference), .succeeded(channelRefundId: "50000000382019052709732678859"))
        for answer in [weChatRefund(refund: "ref_2", status: "SUCCESS"), weChatRefund(amount: 1230, status: "SUCCESS")] {
            guard case .unknown = weChatPay.refundQueryResult(try SignedAnswer.weChatPay(answer), for: reference) else {
                return XCTFail("applied an answer about another refund: \(answer)")
            }
        }
        // A failure about another refund is no failure of ours either.
        guard
            case .unknown = weChatPay.refundQueryResult(
                try SignedAnswer.weChatPay(weChatRefund(refund: "ref_2", status: "ABNORMAL")), for: reference)
        else { return XCTFail("another refund's failure was applied") }
    }

    // MARK: Alipay

    private func alipayRefund(order: String? = nil, refundFee: String) -> String {
        #"{"code":"10000","msg":"Success","trade_no":"2026112722001400001","out_trade_no":"\#(order ?? self.order)","fund_change":"Y","refund_fee":"\#(refundFee)"}"#
    }

    func testAlipayRefundAnswerForAnotherTradeOrBelowThisAmountIsUnknown() throws {
        let member = "alipay_trade_refund_response"
        let refund = Fixtures.refundOrder
        XCTAssertEqual(
            alipay.refundResult(try SignedAnswer.alipay(member, alipayRefund(refundFee: "7.00")), for: refund),
            .succeeded(channelRefundId: "2026112722001400001"))
        XCTAssertEqual(
            alipay.refundResult(
                try SignedAnswer.alipay(member, alipayRefund(order: "pay_019ac5b7d1c80123a1b2c3d4e5f60719", refundFee: "5.00")), for: refund
            ),
            .unknown(reason: "the answer is about order pay_019ac5b7d1c80123a1b2c3d4e5f60719, not \(order)"))
        // refund_fee is the trade's whole refunded amount: below this refund, it is not about it.
        XCTAssertEqual(
            alipay.refundResult(try SignedAnswer.alipay(member, alipayRefund(refundFee: "4.99")), for: refund),
            .unknown(reason: "the answer's refund_fee 4.99 is less than this refund's amount"))
    }

    func testAlipayRefundQueryAboutAnotherRefundIsUnknown() throws {
        let member = "alipay_trade_fastpay_refund_query_response"
        func answer(_ refund: String, _ amount: String) -> String {
            #"{"code":"10000","msg":"Success","trade_no":"2026112722001400001","out_trade_no":"\#(order)","out_request_no":"\#(refund)","refund_amount":"\#(amount)","refund_status":"REFUND_SUCCESS"}"#
        }
        let reference = Fixtures.refundReference
        XCTAssertEqual(
            alipay.refundQueryResult(try SignedAnswer.alipay(member, answer("ref_1", "5.00")), for: reference),
            .succeeded(channelRefundId: "2026112722001400001"))
        XCTAssertEqual(
            alipay.refundQueryResult(try SignedAnswer.alipay(member, answer("ref_2", "5.00")), for: reference),
            .unknown(reason: "the answer is about refund ref_2, not ref_1"))
        XCTAssertEqual(
            alipay.refundQueryResult(try SignedAnswer.alipay(member, answer("ref_1", "4.00")), for: reference),
            .unknown(reason: "the answer names the amount 4.00, not this refund's 500 minor units"))
    }

    // MARK: UnionPay

    private func unionPayAnswer(txnType: String, _ fields: [(name: String, value: String)]) -> [(name: String, value: String)] {
        [
            ("version", "5.1.0"), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"), ("merId", "777290058110048"),
            ("bizType", "000000"), ("txnType", txnType), ("txnSubType", "00"),
        ] + fields
    }

    func testUnionPayRefundAnswerEchoingAnotherRefundIsUnknown() throws {
        let refund = Fixtures.refundOrder
        func answer(
            _ orderId: String = "ref_1", time: String? = nil, amount: String = "500", original: String = "782611272316020123456"
        )
            throws -> ChannelResponse
        {
            try SignedAnswer.unionPay(
                unionPayAnswer(
                    txnType: "04",
                    [
                        ("orderId", orderId), ("txnTime", time ?? refundTime), ("txnAmt", amount), ("origQryId", original),
                        ("respCode", "00"),
                        ("respMsg", "accepted"), ("queryId", "782611280014470000001"),
                    ]))
        }
        XCTAssertEqual(unionPay.refundResult(try answer(), for: refund), .processing)
        XCTAssertEqual(
            unionPay.refundResult(try answer("ref_2"), for: refund),
            .unknown(reason: "the answer is about refund ref_2, not \(UnionPayTransformers.reference.refund("ref_1"))"))
        XCTAssertEqual(
            unionPay.refundResult(try answer(amount: "400"), for: refund),
            .unknown(reason: "the answer names the amount 400, not this refund's 500 minor units"))
        XCTAssertEqual(
            unionPay.refundResult(try answer(time: "20261128001448"), for: refund),
            .unknown(reason: "the answer is about the transaction of txnTime 20261128001448, not \(refundTime)"))
        XCTAssertEqual(
            unionPay.refundResult(try answer(original: "782611272316020999999"), for: refund),
            .unknown(reason: "the answer refunds transaction 782611272316020999999, not 782611272316020123456"))
    }

    func testUnionPayRefundQueryAboutAnotherRefundIsUnknown() throws {
        let reference = Fixtures.refundReference
        func answer(_ orderId: String = "ref_1", time: String? = nil, amount: String = "500") throws -> ChannelResponse {
            try SignedAnswer.unionPay(
                unionPayAnswer(
                    txnType: "00",
                    [
                        ("orderId", orderId), ("txnTime", time ?? refundTime), ("respCode", "00"), ("origRespCode", "00"),
                        ("queryId", "782611280014470000001"), ("txnAmt", amount),
                    ]))
        }
        XCTAssertEqual(unionPay.refundQueryResult(try answer(), for: reference), .succeeded(channelRefundId: "782611280014470000001"))
        for mismatched in [try answer("ref_2"), try answer(amount: "1230"), try answer(time: "20261128001448")] {
            guard case .unknown = unionPay.refundQueryResult(mismatched, for: reference) else {
                return XCTFail("applied a query answer about another refund")
            }
        }
    }

    /// A payment query (and so UnionPay's close, which is a query) names the order by orderId
    /// and txnTime: another txnTime is another transaction.
    func testUnionPayPaymentQueryForAnotherTxnTimeIsUnknown() throws {
        func answer(time: String) throws -> ChannelResponse {
            try SignedAnswer.unionPay(
                unionPayAnswer(
                    txnType: "00",
                    [
                        ("orderId", order), ("txnTime", time), ("respCode", "00"), ("origRespCode", "00"),
                        ("queryId", "782611272316020123456"),
                        ("txnAmt", "1230"), ("currencyCode", "156"),
                    ]))
        }
        guard case .paid = unionPay.queryResult(try answer(time: "20251127222909"), for: Fixtures.paymentId) else {
            return XCTFail("the matching answer is a payment")
        }
        XCTAssertEqual(
            unionPay.queryResult(try answer(time: "20251127222910"), for: Fixtures.paymentId),
            .unknown(reason: "the answer is about the transaction of txnTime 20251127222910, not 20251127222909"))
        XCTAssertEqual(
            unionPay.closeResult(try answer(time: "20251127222910"), for: Fixtures.paymentId),
            .unknown(reason: "the answer is about the transaction of txnTime 20251127222910, not 20251127222909"))
    }
}
