import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

final class AlipayConnectorTests: XCTestCase {
    static let account = AlipayAccount(
        appId: "2021000000000001", gatewayURL: "https://sandbox.paygate.test/alipay/gateway.do", privateKey: TestKeys.merchant,
        alipayKeys: Fixtures.rotatedKeys(style: .exact, currentId: "alipay-2026", retiredId: "alipay-2025"))

    /// Answers are checked against the key set at `clock()`: within the retired key's grace.
    let connector = AlipayConnector(account: account, clock: { Fixtures.now.adding(seconds: 60) })

    func testSigningTextAndSignatureMatchPythonVectors() throws {
        let content = try AlipayTransformers.precreateContent(Fixtures.order(callbackURL: "https://pay.example.test/callbacks/alipay"))
        let fields = FormFields([
            ("app_id", "2021000000000001"), ("biz_content", content), ("charset", "utf-8"), ("method", "alipay.trade.precreate"),
            ("notify_url", "https://pay.example.test/callbacks/alipay"), ("sign_type", "RSA2"), ("timestamp", "2026-11-27 23:14:47"),
            ("version", "1.0"),
        ])
        let text = fields.signingText(excluding: ["sign"])
        XCTAssertEqual(text, AlipayVectors.precreateSigningText)
        XCTAssertEqual(Base64.encode(try TestKeys.merchant.signSHA256(Array(text.utf8))), AlipayVectors.precreateSignature)
    }

    func testPrepayRequestIsTheGoldenForm() throws {
        let request = try connector.prepayRequest(
            Fixtures.order(callbackURL: "https://pay.example.test/callbacks/alipay"), now: Fixtures.now)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://sandbox.paygate.test/alipay/gateway.do")
        XCTAssertEqual(request.headers.map { "\($0.0): \($0.1)" }, ["Content-Type: application/x-www-form-urlencoded;charset=utf-8"])
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), AlipayVectors.precreateBody)
    }

    func testRequestsWithoutNotifyURLLeaveItOut() throws {
        let request = try connector.queryRequest(Fixtures.reference, now: Fixtures.now)
        let fields = try XCTUnwrap(FormFields.decoding(urlEncoded: request.body))
        XCTAssertNil(fields["notify_url"])
        XCTAssertEqual(fields["method"], "alipay.trade.query")
        XCTAssertEqual(fields["biz_content"], #"{"out_trade_no":"pay_019ac5b7d1c80123a1b2c3d4e5f60718"}"#)
        let signature = try XCTUnwrap(Base64.decode(try XCTUnwrap(fields["sign"])))
        XCTAssertTrue(
            TestKeys.merchant.publicKey.verifySHA256(signature: signature, message: Array(fields.signingText(excluding: ["sign"]).utf8)))
    }

    func testOtherCurrenciesAreRefused() {
        var order = Fixtures.order(callbackURL: "https://pay.example.test/callbacks/alipay")
        order.amount = Money(minorUnits: 1500, currency: .jpy)
        XCTAssertThrowsError(try connector.prepayRequest(order, now: Fixtures.now)) { error in
            XCTAssertEqual((error as? ChannelError)?.code, .unsupported)
        }
    }

    func testAnswersMapWhenTheirSignatureVerifies() {
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(AlipayVectors.precreateAnswer), for: Fixtures.prepayOrder),
            .accepted(ChannelPayload(payURL: "https://qr.alipay.test/bax0123", qrCode: "https://qr.alipay.test/bax0123")))
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(AlipayVectors.precreateAnswerRefused), for: Fixtures.prepayOrder),
            .rejected(failureCode: "ACQ.TOTAL_FEE_EXCEED"))
        let paid = ChannelPayment(
            paymentId: Fixtures.paymentId, channelTransactionId: "2026112722001400001", amount: Fixtures.amount,
            paidAt: Timestamp(secondsSinceEpoch: Fixtures.now.secondsSinceEpoch + 75))
        XCTAssertEqual(connector.queryResult(Fixtures.response(AlipayVectors.queryAnswerPaid), for: Fixtures.paymentId), .paid(paid))
        XCTAssertEqual(connector.queryResult(Fixtures.response(AlipayVectors.queryAnswerClosed), for: Fixtures.paymentId), .closed)
        XCTAssertEqual(connector.queryResult(Fixtures.response(AlipayVectors.queryAnswerNotFound), for: Fixtures.paymentId), .notFound)
        XCTAssertEqual(connector.closeResult(Fixtures.response(AlipayVectors.closeAnswerPaid), for: Fixtures.paymentId), .alreadyPaid)
        XCTAssertEqual(
            connector.refundResult(Fixtures.response(AlipayVectors.refundAnswer), for: Fixtures.refundOrder),
            .succeeded(channelRefundId: "2026112722001400001"))
        XCTAssertEqual(
            connector.refundQueryResult(Fixtures.response(AlipayVectors.refundQueryAnswer), for: Fixtures.refundReference),
            .succeeded(channelRefundId: "2026112722001400001"))
    }

    func testTamperedAnswersAreUnknown() {
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(AlipayVectors.precreateAnswerFlippedSignature), for: Fixtures.prepayOrder),
            .unknown(reason: "answer signature does not verify"))
        // "https://qr.alipay.test/bax0123" -> "bax0122": one byte of the signed object.
        let body = AlipayVectors.precreateAnswer.replacingOccurrences(of: "bax0123", with: "bax0122")
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(body), for: Fixtures.prepayOrder), .unknown(reason: "answer signature does not verify")
        )
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(AlipayVectors.precreateAnswer, status: 502), for: Fixtures.prepayOrder),
            .unknown(reason: "HTTP 502"))
    }

    func testRetiredKeyAnswersVerifyOnlyWithinGrace() {
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(AlipayVectors.precreateAnswerRetiredKey), for: Fixtures.prepayOrder),
            .accepted(ChannelPayload(payURL: "https://qr.alipay.test/bax0123", qrCode: "https://qr.alipay.test/bax0123")))
        let late = AlipayConnector(account: Self.account, clock: { Fixtures.now.adding(seconds: 3601) })
        XCTAssertEqual(
            late.prepayResult(Fixtures.response(AlipayVectors.precreateAnswerRetiredKey), for: Fixtures.prepayOrder),
            .unknown(reason: "answer signature does not verify"))
        XCTAssertEqual(
            late.prepayResult(Fixtures.response(AlipayVectors.precreateAnswer), for: Fixtures.prepayOrder),
            .accepted(ChannelPayload(payURL: "https://qr.alipay.test/bax0123", qrCode: "https://qr.alipay.test/bax0123")))
    }

    func testPaidCallbackVerifiesAndMaps() {
        let request = Fixtures.formPost("/callbacks/alipay", AlipayVectors.callbackPaid)
        let fields = FormFields.decoding(urlEncoded: request.body)
        XCTAssertEqual(fields?.signingText(excluding: ["sign", "sign_type"]), AlipayVectors.callbackPaidSigningText)
        let paid = ChannelPayment(
            paymentId: Fixtures.paymentId, channelTransactionId: "2026112722001400001", amount: Fixtures.amount,
            paidAt: Fixtures.now.adding(seconds: 75))
        XCTAssertEqual(connector.verifyCallback(request, now: Fixtures.now), .verified(.paymentSucceeded(paid)))
    }

    func testOtherCallbacksMap() {
        XCTAssertEqual(
            connector.verifyCallback(Fixtures.formPost("/callbacks/alipay", AlipayVectors.callbackClosed), now: Fixtures.now),
            .verified(.paymentClosed(paymentId: Fixtures.paymentId)))
        XCTAssertEqual(
            connector.verifyCallback(Fixtures.formPost("/callbacks/alipay", AlipayVectors.callbackWaiting), now: Fixtures.now),
            .verified(.noEffect(reason: "WAIT_BUYER_PAY")))
        // A full refund turns the trade to TRADE_CLOSED: that must not read as a closed payment.
        XCTAssertEqual(
            connector.verifyCallback(Fixtures.formPost("/callbacks/alipay", AlipayVectors.callbackRefund), now: Fixtures.now),
            .verified(.noEffect(reason: "refund notice")))
        XCTAssertEqual(
            connector.verifyCallback(Fixtures.formPost("/callbacks/alipay", AlipayVectors.callbackOtherApp), now: Fixtures.now),
            .rejected(reason: "app_id is not this account's"))
    }

    func testTamperedCallbacksAreRejected() {
        let body = AlipayVectors.callbackPaid
        let amountChanged = body.replacingOccurrences(of: "total_amount=12.30", with: "total_amount=12.31")
        XCTAssertNotEqual(amountChanged, body)
        XCTAssertEqual(
            connector.verifyCallback(Fixtures.formPost("/callbacks/alipay", amountChanged), now: Fixtures.now),
            .rejected(reason: "signature does not verify"))
        let signStart = body.range(of: "&sign=")!.upperBound.utf16Offset(in: body)
        let signChanged = Fixtures.base64CharacterChanged(body, at: signStart + 4)
        XCTAssertEqual(
            connector.verifyCallback(Fixtures.formPost("/callbacks/alipay", signChanged), now: Fixtures.now),
            .rejected(reason: "signature does not verify"))
    }

    func testRetiredKeyCallbacksVerifyOnlyWithinGrace() {
        let request = Fixtures.formPost("/callbacks/alipay", AlipayVectors.callbackPaidRetiredKey)
        guard case .verified = connector.verifyCallback(request, now: Fixtures.now.adding(seconds: 3600)) else {
            return XCTFail("refused within grace")
        }
        XCTAssertEqual(
            connector.verifyCallback(request, now: Fixtures.now.adding(seconds: 3601)), .rejected(reason: "signature does not verify"))
    }

    func testAcknowledgementsAreExact() {
        XCTAssertEqual(connector.callbackAcknowledgement(accepted: true).body, Array("success".utf8))
        XCTAssertEqual(connector.callbackAcknowledgement(accepted: true).status, 200)
        XCTAssertEqual(connector.callbackAcknowledgement(accepted: false).body, Array("failure".utf8))
    }

    func testStatementAnswerNamesTheURLToFetch() throws {
        let request = try connector.statementRequest(day: "2026-11-27", now: Fixtures.now)
        let fields = try XCTUnwrap(FormFields.decoding(urlEncoded: request.body))
        XCTAssertEqual(fields["method"], "alipay.data.dataservice.bill.downloadurl.query")
        XCTAssertEqual(fields["biz_content"], #"{"bill_type":"trade","bill_date":"2026-11-27"}"#)
        guard
            case .fetch(let download, let digest) = try connector.statementDownload(
                Fixtures.response(AlipayVectors.statementAnswer), now: Fixtures.now)
        else { return XCTFail("no download") }
        XCTAssertEqual(download.method, "GET")
        XCTAssertEqual(download.url, "https://dl.alipay.test/bill?token=abc")
        XCTAssertNil(digest, "Alipay publishes no digest")
        XCTAssertThrowsError(
            try connector.statementDownload(Fixtures.response(Fixtures.flipped(AlipayVectors.statementAnswer, at: 90)), now: Fixtures.now))
    }
}
