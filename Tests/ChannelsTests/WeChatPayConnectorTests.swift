import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

final class WeChatPayConnectorTests: XCTestCase {
    static let nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"
    /// TEST-ONLY APIv3 key.
    static let apiV3Key = Secret(utf8: "0123456789abcdefghijklmnopqrstuv")
    static let account = try! WeChatPayAccount(
        merchantId: "1900000109", appId: "wxd678efh567hg6787", merchantCertificateSerial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        privateKey: TestKeys.merchant,
        platformKeys: Fixtures.rotatedKeys(style: .hexSerial, currentId: "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6", retiredId: "0F12AB"),
        apiV3Key: apiV3Key, baseURL: "https://sandbox.paygate.test/wechatpay/")

    let connector = WeChatPayConnector(
        account: account, clock: { Fixtures.now.adding(seconds: 60) }, makeNonce: { WeChatPayConnectorTests.nonce })
    let callbackURL = "https://pay.example.test/callbacks/wechatpay"
    /// What the prepay answer vectors hand the merchant: the code_url, also the pay URL.
    static let codeURLPayload = ChannelPayload(
        payURL: "weixin://wxpay/bizpayurl?pr=p4lpSuKzz", codeURL: "weixin://wxpay/bizpayurl?pr=p4lpSuKzz")

    func testPrepayRequestIsGoldenAndSignedOverTheDocumentedMessage() throws {
        let request = try connector.prepayRequest(Fixtures.order(callbackURL: callbackURL), now: Fixtures.now)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://sandbox.paygate.test/wechatpay/v3/pay/transactions/native")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), WeChatPayVectors.prepayBody)
        XCTAssertEqual(request.headers.map(\.0), ["Authorization", "Accept", "Content-Type"])
        XCTAssertEqual(request.headers[0].1, WeChatPayVectors.prepayAuthorization)
        XCTAssertEqual(request.headers[1].1, "application/json")
        XCTAssertEqual(request.headers[2].1, "application/json")
        let signature = try XCTUnwrap(
            Base64.decode(String(try XCTUnwrap(WeChatPayVectors.prepayAuthorization.split(separator: "\"").dropFirst(5).first))))
        XCTAssertTrue(TestKeys.merchant.publicKey.verifySHA256(signature: signature, message: Array(WeChatPayVectors.prepayMessage.utf8)))
    }

    func testQueryRequestSignsPathAndQuery() throws {
        let request = try connector.queryRequest(Fixtures.reference, now: Fixtures.now)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(
            request.url,
            "https://sandbox.paygate.test/wechatpay/v3/pay/transactions/out-trade-no/019ac5b7d1c80123a1b2c3d4e5f60718?mchid=1900000109")
        XCTAssertEqual(request.headers.map(\.0), ["Authorization", "Accept"])
        XCTAssertTrue(request.headers[0].1.contains("signature=\"\(WeChatPayVectors.querySignature)\""))
        XCTAssertTrue(request.body.isEmpty)
    }

    func testCloseAndRefundBodies() throws {
        let close = try connector.closeRequest(Fixtures.reference, now: Fixtures.now)
        XCTAssertEqual(
            close.url, "https://sandbox.paygate.test/wechatpay/v3/pay/transactions/out-trade-no/019ac5b7d1c80123a1b2c3d4e5f60718/close")
        XCTAssertEqual(String(decoding: close.body, as: UTF8.self), #"{"mchid":"1900000109"}"#)
        let refund = try connector.refundRequest(
            Fixtures.refund(callbackURL: callbackURL, channelTransactionId: "4200001234202611270000000001"), now: Fixtures.now)
        XCTAssertEqual(refund.url, "https://sandbox.paygate.test/wechatpay/v3/refund/domestic/refunds")
        XCTAssertEqual(
            String(decoding: refund.body, as: UTF8.self),
            #"{"out_trade_no":"019ac5b7d1c80123a1b2c3d4e5f60718","out_refund_no":"ref_1","reason":"damaged","notify_url":"https://pay.example.test/callbacks/wechatpay","amount":{"refund":500,"total":1230,"currency":"CNY"}}"#
        )
        let query = try connector.refundQueryRequest(
            Fixtures.refundReference, now: Fixtures.now)
        XCTAssertEqual(query.url, "https://sandbox.paygate.test/wechatpay/v3/refund/domestic/refunds/ref_1")
    }

    func testAnswersMapWhenTheirSignatureVerifies() {
        XCTAssertEqual(
            connector.prepayResult(
                Fixtures.response(WeChatPayVectors.prepayAnswerBody, headers: WeChatPayVectors.prepayAnswerHeaders),
                for: Fixtures.prepayOrder),
            .accepted(Self.codeURLPayload))
        XCTAssertEqual(
            connector.prepayResult(
                Fixtures.response(
                    WeChatPayVectors.prepayAnswerRefusedBody, status: 400, headers: WeChatPayVectors.prepayAnswerRefusedHeaders),
                for: Fixtures.prepayOrder),
            .rejected(failureCode: "PARAM_ERROR"))
        let paid = ChannelPayment(
            paymentId: Fixtures.paymentId, channelTransactionId: "4200001234202611270000000001", amount: Fixtures.amount,
            paidAt: Fixtures.now.adding(seconds: 75))
        XCTAssertEqual(
            connector.queryResult(
                Fixtures.response(WeChatPayVectors.queryAnswerPaidBody, headers: WeChatPayVectors.queryAnswerPaidHeaders),
                for: Fixtures.paymentId), .paid(paid))
        XCTAssertEqual(
            connector.queryResult(
                Fixtures.response(
                    WeChatPayVectors.queryAnswerNotFoundBody, status: 404, headers: WeChatPayVectors.queryAnswerNotFoundHeaders),
                for: Fixtures.paymentId), .notFound)
        XCTAssertEqual(
            connector.closeResult(
                Fixtures.response("", status: 204, headers: WeChatPayVectors.closeAnswerHeaders), for: Fixtures.paymentId), .closed)
        XCTAssertEqual(
            connector.refundResult(
                Fixtures.response(WeChatPayVectors.refundAnswerBody, headers: WeChatPayVectors.refundAnswerHeaders),
                for: Fixtures.refundOrder),
            .processing)
        XCTAssertEqual(
            connector.refundQueryResult(
                Fixtures.response(WeChatPayVectors.refundQueryAnswerBody, headers: WeChatPayVectors.refundQueryAnswerHeaders),
                for: Fixtures.refundReference),
            .succeeded(channelRefundId: "50000000382019052709732678859"))
    }

    func testUnverifiedAnswersAreUnknown() {
        let body = WeChatPayVectors.prepayAnswerBody
        let headers = WeChatPayVectors.prepayAnswerHeaders
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(Fixtures.flipped(body, at: 20), headers: headers), for: Fixtures.prepayOrder),
            .unknown(reason: "answer signature does not verify"))
        var badSignature = headers
        badSignature[2].1 = Fixtures.base64CharacterChanged(headers[2].1, at: 7)
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(body, headers: badSignature), for: Fixtures.prepayOrder),
            .unknown(reason: "answer signature does not verify"))
        var unknownSerial = headers
        unknownSerial[3].1 = "ABCDEF"
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(body, headers: unknownSerial), for: Fixtures.prepayOrder),
            .unknown(reason: "answer signature does not verify"))
        // A definite-looking 4xx without a valid signature is not taken as definite.
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(WeChatPayVectors.prepayAnswerRefusedBody, status: 400), for: Fixtures.prepayOrder),
            .unknown(reason: "HTTP 400 without signature headers"))
        XCTAssertEqual(
            connector.closeResult(Fixtures.response("", status: 204, headers: headers), for: Fixtures.paymentId),
            .unknown(reason: "answer signature does not verify"))
    }

    func testRetiredPlatformKeyWithinGraceOnly() {
        // Sent as "f12ab": serials compare without case or leading zeros.
        let answer = Fixtures.response(WeChatPayVectors.prepayAnswerRetiredBody, headers: WeChatPayVectors.prepayAnswerRetiredHeaders)
        XCTAssertEqual(connector.prepayResult(answer, for: Fixtures.prepayOrder), .accepted(Self.codeURLPayload))
        let late = WeChatPayConnector(account: Self.account, clock: { Fixtures.now.adding(seconds: 3601) }, makeNonce: { Self.nonce })
        XCTAssertEqual(late.prepayResult(answer, for: Fixtures.prepayOrder), .unknown(reason: "answer signature does not verify"))
    }

    private func callback(_ body: String, _ headers: [(String, String)]) -> HTTPRequest {
        HTTPRequest(
            method: "POST", requestURI: "/callbacks/wechatpay",
            headers: Dictionary(uniqueKeysWithValues: headers + [("content-type", "application/json")]), body: Array(body.utf8))
    }

    func testCallbacksVerifyDecryptAndMap() {
        let paid = ChannelPayment(
            paymentId: Fixtures.paymentId, channelTransactionId: "4200001234202611270000000001", amount: Fixtures.amount,
            paidAt: Fixtures.now.adding(seconds: 75))
        XCTAssertEqual(
            connector.verifyCallback(callback(WeChatPayVectors.callbackPaidBody, WeChatPayVectors.callbackPaidHeaders), now: Fixtures.now),
            .verified(.paymentSucceeded(paid)))
        XCTAssertEqual(
            connector.verifyCallback(
                callback(WeChatPayVectors.callbackRefundBody, WeChatPayVectors.callbackRefundHeaders), now: Fixtures.now),
            .verified(.refundSucceeded(refundId: "ref_1", channelRefundId: "50000000382019052709732678859", amount: Fixtures.refundAmount)))
        XCTAssertEqual(
            connector.verifyCallback(
                callback(WeChatPayVectors.callbackRefundAbnormalBody, WeChatPayVectors.callbackRefundAbnormalHeaders), now: Fixtures.now),
            .verified(.refundFailed(refundId: "ref_1", failureCode: "ABNORMAL")))
    }

    func testCallbackTamperingAndStaleTimestampsAreRejected() {
        let body = WeChatPayVectors.callbackPaidBody
        let headers = WeChatPayVectors.callbackPaidHeaders
        XCTAssertEqual(
            connector.verifyCallback(callback(Fixtures.flipped(body, at: 30), headers), now: Fixtures.now),
            .rejected(reason: "signature does not verify"))
        XCTAssertEqual(
            connector.verifyCallback(callback(body, headers), now: Fixtures.now.adding(seconds: 301)),
            .rejected(reason: "timestamp outside 300 s of our clock"))
        XCTAssertEqual(
            connector.verifyCallback(
                callback(WeChatPayVectors.callbackPaidOldBody, WeChatPayVectors.callbackPaidOldHeaders), now: Fixtures.now),
            .rejected(reason: "timestamp outside 300 s of our clock"))
        // Signed correctly, but the ciphertext was changed before signing: GCM's tag refuses it.
        XCTAssertEqual(
            connector.verifyCallback(
                callback(WeChatPayVectors.callbackTamperedCiphertextBody, WeChatPayVectors.callbackTamperedCiphertextHeaders),
                now: Fixtures.now),
            .rejected(reason: "resource does not decrypt: authenticationFailed"))
        var unknownSerial = headers
        unknownSerial[3].1 = "ABCDEF"
        XCTAssertEqual(
            connector.verifyCallback(callback(body, unknownSerial), now: Fixtures.now), .rejected(reason: "signature does not verify"))
    }

    /// WeChat Pay names its signature scheme on every answer and callback; one without it, or with
    /// another (an SM2 key, say), is not what we verify and is refused before its signature is checked.
    func testASignatureTypeOtherThanRSAIsRefused() {
        let body = WeChatPayVectors.callbackPaidBody
        let withoutType = WeChatPayVectors.callbackPaidHeaders.filter { $0.0 != "wechatpay-signature-type" }
        var otherType = WeChatPayVectors.callbackPaidHeaders
        otherType[otherType.firstIndex { $0.0 == "wechatpay-signature-type" }!].1 = "WECHATPAY2-SM2-WITH-SM3"
        for headers in [withoutType, otherType] {
            XCTAssertEqual(
                connector.verifyCallback(callback(body, headers), now: Fixtures.now),
                .rejected(reason: "Wechatpay-Signature-Type is not WECHATPAY2-SHA256-RSA2048"))
        }
        let answer = WeChatPayVectors.prepayAnswerHeaders.filter { $0.0 != "wechatpay-signature-type" }
        XCTAssertEqual(
            connector.prepayResult(Fixtures.response(WeChatPayVectors.prepayAnswerBody, headers: answer), for: Fixtures.prepayOrder),
            .unknown(reason: "HTTP 200 without Wechatpay-Signature-Type WECHATPAY2-SHA256-RSA2048"))
    }

    func testRetiredKeyCallbackWithinGraceOnly() {
        let request = callback(WeChatPayVectors.callbackPaidRetiredBody, WeChatPayVectors.callbackPaidRetiredHeaders)
        guard case .verified = connector.verifyCallback(request, now: Fixtures.now) else { return XCTFail("refused within grace") }
        // The clock window is checked against the callback's own time, so move the key set's clock only.
        let keys = Self.account.platformKeys
        let message = WeChatPaySignedText.message(
            String(Fixtures.now.secondsSinceEpoch), "fKNYk6N2vbz5mW0F", Array(WeChatPayVectors.callbackPaidRetiredBody.utf8))
        let signature = Base64.decode(WeChatPayVectors.callbackPaidRetiredHeaders[2].1)!
        XCTAssertTrue(keys.verify(signature: signature, message: message, keyId: "0F12AB", now: Fixtures.now.adding(seconds: 3600)))
        XCTAssertFalse(keys.verify(signature: signature, message: message, keyId: "0F12AB", now: Fixtures.now.adding(seconds: 3601)))
    }

    func testKnownCiphertextDecryptsAndAnyAlteredPartFails() throws {
        func resource(
            ciphertext: String = WeChatPayVectors.knownCiphertext, nonce: String = "fixednonce12", associatedData: String = "transaction"
        ) -> JSONValue {
            .object([
                ("algorithm", .string("AEAD_AES_256_GCM")), ("ciphertext", .string(ciphertext)), ("nonce", .string(nonce)),
                ("associated_data", .string(associatedData)),
            ])
        }
        guard case .success(let plaintext) = WeChatPayCallback.decrypt(resource(), key: Self.apiV3Key) else {
            return XCTFail("known vector did not decrypt")
        }
        XCTAssertEqual(plaintext, try JSONParser.parse(Array(WeChatPayVectors.knownPlaintext.utf8)))
        var sealed = try XCTUnwrap(Base64.decode(WeChatPayVectors.knownCiphertext))
        sealed[3] ^= 0x01
        var tagAltered = try XCTUnwrap(Base64.decode(WeChatPayVectors.knownCiphertext))
        tagAltered[tagAltered.count - 1] ^= 0x01
        for altered in [
            resource(ciphertext: Base64.encode(sealed)), resource(ciphertext: Base64.encode(tagAltered)),
            resource(nonce: "fixednonce13"), resource(associatedData: "transactioN"),
        ] {
            guard case .failure = WeChatPayCallback.decrypt(altered, key: Self.apiV3Key) else {
                return XCTFail("altered resource decrypted")
            }
        }
        guard case .failure = WeChatPayCallback.decrypt(resource(), key: Secret(utf8: "0123456789abcdefghijklmnopqrstuw")) else {
            return XCTFail("wrong key decrypted")
        }
    }

    func testAcknowledgements() {
        let accepted = connector.callbackAcknowledgement(accepted: true)
        XCTAssertEqual(accepted.status, 204)
        XCTAssertTrue(accepted.body.isEmpty)
        let refused = connector.callbackAcknowledgement(accepted: false)
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(String(decoding: refused.body, as: UTF8.self), #"{"code":"FAIL","message":"callback refused"}"#)
    }

    func testAPIv3KeyMustBe32Bytes() {
        XCTAssertThrowsError(
            try WeChatPayAccount(
                merchantId: "1", appId: "a", merchantCertificateSerial: "01", privateKey: TestKeys.merchant,
                platformKeys: Self.account.platformKeys, apiV3Key: Secret(utf8: "short"), baseURL: "https://x.test"))
        XCTAssertFalse(String(describing: Self.account).contains("0123456789abcdef"))
    }

    func testStatementAnswerNamesTheFileAndItsSHA1() throws {
        let request = try connector.statementRequest(day: "2026-11-27", now: Fixtures.now)
        XCTAssertEqual(
            request.url, "https://sandbox.paygate.test/wechatpay/v3/bill/tradebill?bill_date=2026-11-27&bill_type=ALL&tar_type=GZIP")
        let digest = "79bb0f45fc4c42234a918000b2668d689e2bde04"
        let body =
            #"{"hash_type":"SHA1","hash_value":"\#(digest)","download_url":"https://sandbox.paygate.test/wechatpay/v3/billdownload/file?token=abc"}"#
        guard case .fetch(let download, let sha1) = try connector.statementDownload(signedAnswer(200, body), now: Fixtures.now) else {
            return XCTFail("no download")
        }
        XCTAssertEqual(sha1, digest)
        XCTAssertEqual(download.url, "https://sandbox.paygate.test/wechatpay/v3/billdownload/file?token=abc")
        XCTAssertTrue(download.headers[0].1.hasPrefix("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000109\""))
        guard
            case .none = try connector.statementDownload(
                signedAnswer(400, #"{"code":"NO_STATEMENT_EXIST","message":"none"}"#), now: Fixtures.now)
        else { return XCTFail("a day without a bill is not a failure") }
        // The old vector's 8-digit digest is no SHA-1; another host must not get our Authorization.
        XCTAssertThrowsError(
            try connector.statementDownload(
                Fixtures.response(WeChatPayVectors.statementAnswerBody, headers: WeChatPayVectors.statementAnswerHeaders), now: Fixtures.now
            ))
        let elsewhere = body.replacingOccurrences(of: "sandbox.paygate.test", with: "evil.test")
        XCTAssertThrowsError(try connector.statementDownload(signedAnswer(200, elsewhere), now: Fixtures.now))
    }

    /// An answer signed with the platform key, as WeChat Pay signs every answer.
    func signedAnswer(_ status: Int, _ body: String) throws -> ChannelResponse {
        let message = Array("1795792487\nnonce\n".utf8) + Array(body.utf8) + [0x0A]
        let signature = Base64.encode(try TestKeys.channelCurrent.signSHA256(message))
        return Fixtures.response(
            body, status: status,
            headers: [
                ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "nonce"), ("wechatpay-signature", signature),
                ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
            ])
    }
}
