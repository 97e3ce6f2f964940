import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

final class UnionPayConnectorTests: XCTestCase {
    static let account = UnionPayAccount(
        merchantId: "777290058110048", signingCertificateId: "69629715588", privateKey: TestKeys.merchant,
        verificationKeys: Fixtures.rotatedKeys(style: .exact, currentId: "69042905377", retiredId: "68759663125"),
        baseURL: "https://sandbox.paygate.test/unionpay/gateway/api/")

    let connector = UnionPayConnector(account: account, clock: { Fixtures.now.adding(seconds: 60) })
    let callbackURL = "https://pay.example.test/callbacks/unionpay"
    /// The order's txnTime, from the payment id's creation time, stands for the payment time.
    let paidAt = Timestamp(secondsSinceEpoch: Fixtures.paymentId.millisecondsSinceEpoch / 1000)

    func testSigningTextDigestAndSignatureMatchPythonVectors() throws {
        XCTAssertEqual(UnionPayTransformers.txnTime(Fixtures.paymentId), UnionPayVectors.prepayTxnTime)
        let request = try connector.prepayRequest(Fixtures.order(callbackURL: callbackURL), now: Fixtures.now)
        let fields = try XCTUnwrap(FormFields.decoding(urlEncoded: request.body))
        XCTAssertEqual(UnionPaySignedText.text(fields), UnionPayVectors.prepaySigningText)
        XCTAssertEqual(String(decoding: UnionPaySignedText.message(fields), as: UTF8.self), UnionPayVectors.prepayDigest)
        XCTAssertEqual(fields["signature"], UnionPayVectors.prepaySignature)
    }

    func testPrepayRequestIsTheGoldenForm() throws {
        let request = try connector.prepayRequest(Fixtures.order(callbackURL: callbackURL), now: Fixtures.now)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://sandbox.paygate.test/unionpay/gateway/api/backTransReq.do")
        XCTAssertEqual(request.headers.map { "\($0.0): \($0.1)" }, ["Content-Type: application/x-www-form-urlencoded;charset=UTF-8"])
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), UnionPayVectors.prepayBody)
    }

    func testRefundAndQueryNameTheSameTransactionOnEveryRetry() throws {
        let refund = Fixtures.refund(callbackURL: callbackURL, channelTransactionId: "782611272316020123456")
        let first = try XCTUnwrap(FormFields.decoding(urlEncoded: try connector.refundRequest(refund, now: Fixtures.now).body))
        let retry = try XCTUnwrap(
            FormFields.decoding(urlEncoded: try connector.refundRequest(refund, now: Fixtures.now.adding(seconds: 500)).body))
        XCTAssertEqual(first, retry)
        XCTAssertEqual(first["txnTime"], "20261128001447")
        XCTAssertEqual(first["origQryId"], "782611272316020123456")
        XCTAssertEqual(first["txnAmt"], "500")
        let query = try connector.refundQueryRequest(
            ChannelRefundReference(refundId: "ref_1", paymentId: Fixtures.paymentId, amount: refund.amount, createdAt: refund.createdAt),
            now: Fixtures.now)
        XCTAssertEqual(FormFields.decoding(urlEncoded: query.body)?["txnTime"], "20261128001447")
        XCTAssertThrowsError(
            try connector.refundRequest(Fixtures.refund(callbackURL: callbackURL, channelTransactionId: nil), now: Fixtures.now))
    }

    func testCloseIsAQueryAfterThePayTimeout() throws {
        XCTAssertThrowsError(try connector.closeRequest(Fixtures.reference, now: Fixtures.now)) { error in
            XCTAssertEqual((error as? ChannelError)?.code, .unsupported)
        }
        let close = try connector.closeRequest(Fixtures.reference, now: Fixtures.now.adding(seconds: 901))
        XCTAssertEqual(close.url, "https://sandbox.paygate.test/unionpay/gateway/api/queryTrans.do")
        XCTAssertEqual(connector.closeResult(Fixtures.response(UnionPayVectors.queryAnswerPaid), for: Fixtures.paymentId), .alreadyPaid)
        XCTAssertEqual(connector.closeResult(Fixtures.response(UnionPayVectors.queryAnswerPending), for: Fixtures.paymentId), .closed)
    }

    /// What an accepted prepay of `Fixtures.prepayOrder` hands the merchant: the QR code (also
    /// the pay URL) and the signed front-end form of the same transaction.
    func payload() throws -> ChannelPayload {
        let qrCode = "https://qr.95516.test/00010000/01234567890123456789"
        return ChannelPayload(payURL: qrCode, qrCode: qrCode, form: try connector.frontForm(Fixtures.prepayOrder))
    }

    func testAnswersMapWhenTheirSignatureVerifies() throws {
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(UnionPayVectors.prepayAnswer), for: Fixtures.prepayOrder),
            .accepted(try payload()))
        // respCode 12: a retried request whose first attempt arrived.
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(UnionPayVectors.prepayAnswerRefused), for: Fixtures.prepayOrder),
            .unknown(reason: "respCode 12"))
        let paid = ChannelPayment(
            paymentId: Fixtures.paymentId, channelTransactionId: "782611272316020123456", amount: Fixtures.amount, paidAt: paidAt)
        XCTAssertEqual(connector.queryResult(Fixtures.response(UnionPayVectors.queryAnswerPaid), for: Fixtures.paymentId), .paid(paid))
        XCTAssertEqual(connector.queryResult(Fixtures.response(UnionPayVectors.queryAnswerPending), for: Fixtures.paymentId), .notPaid)
        XCTAssertEqual(connector.queryResult(Fixtures.response(UnionPayVectors.queryAnswerNotFound), for: Fixtures.paymentId), .notFound)
        XCTAssertEqual(connector.refundResult(Fixtures.response(UnionPayVectors.refundAnswer), for: Fixtures.refundOrder), .processing)
        XCTAssertEqual(
            connector.refundQueryResult(Fixtures.response(UnionPayVectors.refundQueryAnswer), for: Fixtures.refundReference),
            .succeeded(channelRefundId: "782611280014470000001"))
    }

    func testTamperedOrUnknownCertAnswersAreUnknown() {
        let answer = UnionPayVectors.queryAnswerPaid
        let amountChanged = answer.replacingOccurrences(of: "txnAmt=1230", with: "txnAmt=1231")
        XCTAssertNotEqual(amountChanged, answer)
        XCTAssertEqual(
            connector.queryResult(Fixtures.response(amountChanged), for: Fixtures.paymentId),
            .unknown(reason: "answer signature does not verify"))
        let signatureAt = answer.range(of: "signature=")!.upperBound.utf16Offset(in: answer)
        XCTAssertEqual(
            connector.queryResult(Fixtures.response(Fixtures.base64CharacterChanged(answer, at: signatureAt + 9)), for: Fixtures.paymentId),
            .unknown(reason: "answer signature does not verify"))
        XCTAssertEqual(
            connector.queryResult(
                Fixtures.response(answer.replacingOccurrences(of: "certId=69042905377", with: "certId=69042905378")),
                for: Fixtures.paymentId),
            .unknown(reason: "answer signature does not verify"))
    }

    func testRetiredCertificateWithinGraceOnly() throws {
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(UnionPayVectors.prepayAnswerRetired), for: Fixtures.prepayOrder),
            .accepted(try payload()))
        let late = UnionPayConnector(account: Self.account, clock: { Fixtures.now.adding(seconds: 3601) })
        XCTAssertEqual(
            late.prepayResult(Fixtures.response(UnionPayVectors.prepayAnswerRetired), for: Fixtures.prepayOrder),
            .unknown(reason: "answer signature does not verify"))
        let callback = Fixtures.formPost("/callbacks/unionpay", UnionPayVectors.callbackPaidRetired)
        guard case .verified = connector.verifyCallback(callback, now: Fixtures.now.adding(seconds: 3600)) else {
            return XCTFail("refused within grace")
        }
        XCTAssertEqual(
            connector.verifyCallback(callback, now: Fixtures.now.adding(seconds: 3601)), .rejected(reason: "signature does not verify"))
    }

    func testCallbacksVerifyAndMap() {
        func verify(_ body: String) -> CallbackVerification {
            connector.verifyCallback(Fixtures.formPost("/callbacks/unionpay", body), now: Fixtures.now)
        }
        let paid = ChannelPayment(
            paymentId: Fixtures.paymentId, channelTransactionId: "782611272316020123456", amount: Fixtures.amount, paidAt: paidAt)
        XCTAssertEqual(verify(UnionPayVectors.callbackPaid), .verified(.paymentSucceeded(paid)))
        XCTAssertEqual(verify(UnionPayVectors.callbackFailed), .verified(.paymentFailed(paymentId: Fixtures.paymentId, failureCode: "61")))
        XCTAssertEqual(
            verify(UnionPayVectors.callbackRefund),
            .verified(.refundSucceeded(refundId: "ref_1", channelRefundId: "782611280014470000001", amount: Fixtures.refundAmount)))
        XCTAssertEqual(verify(UnionPayVectors.callbackOtherMerchant), .rejected(reason: "merId is not this account's"))
        XCTAssertEqual(verify(UnionPayVectors.callbackPaidUnknownCert), .rejected(reason: "signature does not verify"))
        XCTAssertEqual(
            verify(UnionPayVectors.callbackPaid.replacingOccurrences(of: "txnAmt=1230", with: "txnAmt=1231")),
            .rejected(reason: "signature does not verify"))
        let signatureAt = UnionPayVectors.callbackPaid.range(of: "signature=")!.upperBound.utf16Offset(in: UnionPayVectors.callbackPaid)
        XCTAssertEqual(
            verify(Fixtures.base64CharacterChanged(UnionPayVectors.callbackPaid, at: signatureAt + 3)),
            .rejected(reason: "signature does not verify"))
    }

    func testAcknowledgements() {
        let accepted = connector.callbackAcknowledgement(accepted: true)
        XCTAssertEqual(accepted.status, 200)
        XCTAssertEqual(accepted.body, Array("ok".utf8))
        XCTAssertNotEqual(connector.callbackAcknowledgement(accepted: false).status, 200)
    }

    func testStatementRequestAndAnswerSignature() throws {
        let request = try connector.statementRequest(day: "2026-11-27", now: Fixtures.now)
        let fields = try XCTUnwrap(FormFields.decoding(urlEncoded: request.body))
        XCTAssertEqual(fields["settleDate"], "1127")
        XCTAssertEqual(fields["txnType"], "76")
        XCTAssertEqual(fields["fileType"], "00")
        XCTAssertThrowsError(try connector.statementRequest(day: "20261127", now: Fixtures.now))
        // The old vector's fileContent is not a zlib stream; a tampered answer fails its signature.
        XCTAssertThrowsError(try connector.statementDownload(Fixtures.response(UnionPayVectors.statementAnswer), now: Fixtures.now))
        let tampered = UnionPayVectors.statementAnswer.replacingOccurrences(of: "settleDate=1127", with: "settleDate=1128")
        XCTAssertThrowsError(try connector.statementDownload(Fixtures.response(tampered), now: Fixtures.now)) { error in
            XCTAssertEqual((error as? ChannelError)?.code, .badSignature)
        }
    }
}
