import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

/// What each channel's accepted prepay hands the merchant (`channel_payload`): the channel's own
/// QR content, UnionPay's signed front-end form, and the sandbox's payer page as `pay_url` when
/// the answer names one. An answer about another order is no answer.
final class PrepayPayloadTests: XCTestCase {
    let order = Fixtures.prepayOrder
    let unionPay = UnionPayConnector(account: UnionPayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) })

    func testWeChatPayCodeURLAndTheSandboxsPayerPage() throws {
        let connector = WeChatPayConnector(
            account: WeChatPayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) },
            makeNonce: { WeChatPayConnectorTests.nonce })
        let answer = try SignedAnswer.weChatPay(
            #"{"code_url":"weixin://wxpay/bizpayurl?pr=Ab12","sandbox_pay_url":"https://127.0.0.1:9443/pay/wechatpay/Ab12"}"#)
        XCTAssertEqual(
            connector.prepayResult(answer, for: order),
            .accepted(ChannelPayload(payURL: "https://127.0.0.1:9443/pay/wechatpay/Ab12", codeURL: "weixin://wxpay/bizpayurl?pr=Ab12")))
    }

    func testAlipayQRCodeAndAnAnswerForAnotherOrder() throws {
        let connector = AlipayConnector(account: AlipayConnectorTests.account, clock: { Fixtures.now.adding(seconds: 60) })
        func answer(_ outTradeNo: String) throws -> ChannelResponse {
            try SignedAnswer.alipay(
                "alipay_trade_precreate_response",
                #"{"code":"10000","msg":"Success","out_trade_no":"\#(outTradeNo)","qr_code":"https://qr.alipay.com/bax0Ab12","sandbox_pay_url":"https://127.0.0.1:9443/pay/alipay/Ab12"}"#
            )
        }
        XCTAssertEqual(
            connector.prepayResult(try answer(order.paymentId.text), for: order),
            .accepted(ChannelPayload(payURL: "https://127.0.0.1:9443/pay/alipay/Ab12", qrCode: "https://qr.alipay.com/bax0Ab12")))
        XCTAssertEqual(
            connector.prepayResult(try answer("pay_019ac5b7d1c80123a1b2c3d4e5f60719"), for: order),
            .unknown(reason: "the answer is about order pay_019ac5b7d1c80123a1b2c3d4e5f60719, not \(order.paymentId.text)"))
    }

    /// The front-end form: UnionPay's browser consume of the same transaction as the QR code,
    /// every field the browser posts, signed over exactly those fields with our certificate.
    func testUnionPayFrontFormIsTheSignedBrowserConsumeOfTheSameTransaction() throws {
        let form = try unionPay.frontForm(order)
        XCTAssertEqual(form.action, "https://sandbox.paygate.test/unionpay/gateway/api/frontTransReq.do")
        let fields = form.fields.map { ($0.name, $0.value) }
        let unsigned = fields.filter { $0.0 != "signature" }
        XCTAssertEqual(unsigned.map { "\($0.0)=\($0.1)" }.joined(separator: "&"), UnionPayPayloadVectors.frontSigningText)
        XCTAssertEqual(fields.map(\.0), fields.map(\.0).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let signature = try XCTUnwrap(Base64.decode(try XCTUnwrap(form.fields.last { $0.name == "signature" }?.value)))
        let message = UnionPaySignedText.message(FormFields(unsigned.map { (name: $0.0, value: $0.1) }))
        XCTAssertTrue(TestKeys.merchant.publicKey.verifySHA256(signature: signature, message: message))
        // The transaction is the QR code apply's: same orderId, txnTime, amount, payTimeout, backUrl.
        let request = try unionPay.prepayRequest(order, now: Fixtures.now)
        let apply = try XCTUnwrap(FormFields.decoding(urlEncoded: request.body))
        for name in ["orderId", "txnTime", "txnAmt", "payTimeout", "backUrl", "merId", "certId"] {
            XCTAssertEqual(form.fields.first { $0.name == name }?.value, apply[name], name)
        }
    }

    func testUnionPayAnswerForAnotherTransactionIsUnknown() throws {
        func answer(orderId: String, txnTime: String) throws -> ChannelResponse {
            try SignedAnswer.unionPay([
                ("version", "5.1.0"), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"), ("merId", "777290058110048"),
                ("bizType", "000000"), ("txnType", "01"), ("txnSubType", "07"), ("orderId", orderId), ("txnTime", txnTime),
                ("respCode", "00"), ("respMsg", "success"), ("qrCode", "https://qr.95516.com/00010000/Ab12"),
                ("sandboxPayUrl", "https://127.0.0.1:9443/pay/unionpay/Ab12"),
            ])
        }
        let sent = UnionPayTransformers.reference.payment(order.paymentId)
        let txnTime = UnionPayTransformers.txnTime(order.paymentId)
        XCTAssertEqual(
            unionPay.prepayResult(try answer(orderId: sent, txnTime: txnTime), for: order),
            .accepted(
                ChannelPayload(
                    payURL: "https://127.0.0.1:9443/pay/unionpay/Ab12", qrCode: "https://qr.95516.com/00010000/Ab12",
                    form: try unionPay.frontForm(order))))
        guard case .unknown = unionPay.prepayResult(try answer(orderId: "019ac5b7d1c80123a1b2c3d4e5f60719", txnTime: txnTime), for: order)
        else { return XCTFail("an answer about another order was accepted") }
        guard case .unknown = unionPay.prepayResult(try answer(orderId: sent, txnTime: "20251127222910"), for: order) else {
            return XCTFail("an answer about another txnTime was accepted")
        }
    }
}

/// The front-end form's signed text for `Fixtures.prepayOrder` on the UnionPay test account,
/// written out by hand from UnionPay's field list: what a reviewer compares with the channel's
/// documentation.
enum UnionPayPayloadVectors {
    static let frontSigningText =
        "accessType=0&backUrl=https://pay.example.test/callbacks/unionpay&bizType=000201&certId=69629715588&channelType=07"
        + "&currencyCode=156&encoding=UTF-8&merId=777290058110048&orderId=019ac5b7d1c80123a1b2c3d4e5f60718&payTimeout=20261127232947"
        + "&signMethod=01&txnAmt=1230&txnSubType=01&txnTime=20251127222909&txnType=01&version=5.1.0"
}
