import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

/// Refund answers and callbacks of every channel, failures first: each must end as
/// `.failed` / `.refundFailed` (a definite failure gives the amount back to the refundable
/// balance), a not-yet-final answer must never, and a success carries its amount.
final class RefundParsingTests: XCTestCase {
    let alipay = AlipayConnector(account: AlipayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) })
    let weChatPay = WeChatPayConnector(
        account: WeChatPayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) },
        makeNonce: { WeChatPayConnectorTests.nonce })
    let unionPay = UnionPayConnector(account: UnionPayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) })

    func testAlipayRefundFailsSynchronouslyOnABusinessFailure() {
        XCTAssertEqual(
            alipay.refundResult(Fixtures.response(RefundVectors.alipayRefundRefused), for: Fixtures.refundOrder),
            .failed(failureCode: "ACQ.SELLER_BALANCE_NOT_ENOUGH")
        )
        // "Service unavailable" is no answer at all: the same refund is sent again.
        XCTAssertEqual(
            alipay.refundResult(Fixtures.response(RefundVectors.alipayRefundBusy), for: Fixtures.refundOrder),
            .unknown(reason: "code 20000"))
        // A query with no refund data means "not received, or failed": not definite by itself,
        // and the gateway only queries a refund Alipay has acknowledged.
        XCTAssertEqual(
            alipay.refundQueryResult(Fixtures.response(RefundVectors.alipayRefundQueryNoData), for: Fixtures.refundReference), .processing)
        // The refused answer's signature covers the failure: altered, it is no answer.
        let altered = RefundVectors.alipayRefundRefused.replacingOccurrences(of: "NOT_ENOUGH", with: "NOT_ENOUGX")
        XCTAssertEqual(
            alipay.refundResult(Fixtures.response(altered), for: Fixtures.refundOrder), .unknown(reason: "answer signature does not verify")
        )
    }

    func testWeChatPayRefundQueryAbnormalAndClosedAreFailures() {
        XCTAssertEqual(
            weChatPay.refundQueryResult(
                Fixtures.response(RefundVectors.weChatRefundQueryAbnormalBody, headers: RefundVectors.weChatRefundQueryAbnormalHeaders),
                for: Fixtures.refundReference),
            .failed(failureCode: "ABNORMAL"))
        XCTAssertEqual(
            weChatPay.refundQueryResult(
                Fixtures.response(RefundVectors.weChatRefundQueryClosedBody, headers: RefundVectors.weChatRefundQueryClosedHeaders),
                for: Fixtures.refundReference),
            .failed(failureCode: "CLOSED"))
    }

    private func weChatCallback(_ body: String, _ headers: [(String, String)]) -> CallbackVerification {
        weChatPay.verifyCallback(
            HTTPRequest(
                method: "POST", requestURI: "/callbacks/wechatpay",
                headers: Dictionary(uniqueKeysWithValues: headers + [("content-type", "application/json")]),
                body: Array(body.utf8)), now: Fixtures.now)
    }

    func testWeChatPayFailureCallbacksMapToRefundFailed() {
        XCTAssertEqual(
            weChatCallback(
                RefundVectors.weChatCallbackRefundAbnormalNoSuccessTimeBody, RefundVectors.weChatCallbackRefundAbnormalNoSuccessTimeHeaders),
            .verified(.refundFailed(refundId: "ref_1", failureCode: "ABNORMAL")))
        XCTAssertEqual(
            weChatCallback(RefundVectors.weChatCallbackRefundClosedBody, RefundVectors.weChatCallbackRefundClosedHeaders),
            .verified(.refundFailed(refundId: "ref_1", failureCode: "CLOSED")))
    }

    func testWeChatPayRefundCallbackWhoseEventAndSealedStatusDisagreeIsRefused() {
        XCTAssertEqual(
            weChatCallback(
                RefundVectors.weChatCallbackRefundSuccessSaysAbnormalBody, RefundVectors.weChatCallbackRefundSuccessSaysAbnormalHeaders),
            .rejected(reason: "REFUND.SUCCESS with refund_status ABNORMAL"))
        XCTAssertEqual(
            weChatCallback(
                RefundVectors.weChatCallbackRefundAbnormalSaysSuccessBody, RefundVectors.weChatCallbackRefundAbnormalSaysSuccessHeaders),
            .rejected(reason: "REFUND.ABNORMAL with refund_status SUCCESS"))
    }

    func testUnionPayRefundFailureByNoticeAndQuery() {
        XCTAssertEqual(
            unionPay.refundQueryResult(Fixtures.response(RefundVectors.unionPayRefundQueryFailed), for: Fixtures.refundReference),
            .failed(failureCode: "01"))
        XCTAssertEqual(
            unionPay.refundQueryResult(Fixtures.response(RefundVectors.unionPayRefundQueryPending), for: Fixtures.refundReference),
            .processing)
        XCTAssertEqual(
            unionPay.refundResult(Fixtures.response(RefundVectors.unionPayRefundRefused), for: Fixtures.refundOrder),
            .failed(failureCode: "36"))
        func verify(_ body: String) -> CallbackVerification {
            unionPay.verifyCallback(Fixtures.formPost("/callbacks/unionpay", body), now: Fixtures.now)
        }
        XCTAssertEqual(verify(RefundVectors.unionPayCallbackRefundFailed), .verified(.refundFailed(refundId: "ref_1", failureCode: "01")))
        // "In progress" in a notice is not the refund's result.
        XCTAssertEqual(
            verify(RefundVectors.unionPayCallbackRefundPending), .verified(.noEffect(reason: "refund notice respCode 03: in progress")))
        XCTAssertEqual(
            verify(RefundVectors.unionPayCallbackRefundFailed.replacingOccurrences(of: "respCode=01", with: "respCode=00")),
            .rejected(reason: "signature does not verify"))
    }
}
