import PaygateCore
import PaygateCrypto
import XCTest

@testable import Sandbox

/// The Alipay gateway takes its parameters in each layout Alipay's clients use, and checks one
/// signature over the same sorted text whatever the layout (`AlipayRequestForm`).
final class AlipayLayoutTests: XCTestCase {
    let sandbox = SandboxFixture()

    static func precreateContent(_ number: String = SandboxFixture.orderReference()) -> String {
        #"{"out_trade_no":"\#(number)","total_amount":"12.30","subject":"Tea 茶"}"#
    }

    /// The answer of `method`, whose signature must verify under the sandbox's Alipay key.
    func signedAnswer(_ response: HTTPResponse, _ method: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
        XCTAssertEqual(response.status, 200, file: file, line: line)
        let member = method.split(separator: ".").joined(separator: "_") + "_response"
        let text = response.text
        guard let start = text.range(of: "{\"\(member)\":")?.upperBound, let end = text.range(of: ",\"sign\":\"", options: .backwards),
            let signature = JSONValue.object(response.body)?.text("sign").flatMap(Base64.decode)
        else {
            XCTFail("not a signed \(member): \(text)", file: file, line: line)
            return nil
        }
        let signed = Array(text[start..<end.lowerBound].utf8)
        XCTAssertTrue(TestKeys.channelCurrent.publicKey.verifySHA256(signature: signature, message: signed), file: file, line: line)
        return response.alipayAnswer(method)
    }

    /// python-alipay-sdk: a GET with every parameter, `sign` too, in the URL query (`quote_plus`).
    func testGetWithEveryParameterInTheQueryIsAccepted() {
        let fields = HandSigned.alipaySigned(
            HandSigned.alipayCommon("alipay.trade.precreate", notifyURL: SandboxFixture.callbackBase + "alipay")
                + [("biz_content", Self.precreateContent())])
        let query = fields.map { $0.0 + "=" + Self.quotePlus($0.1) }.joined(separator: "&")
        let response = sandbox.handler.handle(HTTPRequest(method: "GET", requestURI: AlipaySide.gatewayPath + "?" + query))
        let answer = signedAnswer(response, "alipay.trade.precreate")
        XCTAssertEqual(answer?.text("code"), "10000", response.text)
        XCTAssertTrue(answer?.text("qr_code")?.hasPrefix("https://qr.alipay.com/") == true, response.text)
        XCTAssertTrue(answer?.text("sandbox_pay_url")?.hasPrefix(SandboxFixture.baseURL + "/pay/alipay/") == true, response.text)
    }

    /// Alipay's official SDKs: the common parameters and `sign` in the query, `biz_content` in a
    /// form body; the signature covers both halves.
    func testCommonParametersInTheQueryAndBizContentInTheBodyAreAccepted() {
        let body: HandSigned.Fields = [("biz_content", Self.precreateContent())]
        let common = HandSigned.alipayCommon("alipay.trade.precreate") + [("format", "json"), ("alipay_sdk", "alipay-sdk-java-4.40")]
        let query = HandSigned.percentEncoded(HandSigned.alipaySigned(common, alsoSigning: body))
        let response = sandbox.handler.handle(
            HTTPRequest(
                method: "POST", requestURI: AlipaySide.gatewayPath + "?" + query,
                headers: ["content-type": "application/x-www-form-urlencoded;charset=utf-8"],
                body: Array(HandSigned.percentEncoded(body).utf8))
        )
        XCTAssertEqual(signedAnswer(response, "alipay.trade.precreate")?.text("code"), "10000", response.text)
    }

    /// paygate's connector's layout stays accepted.
    func testEverythingInTheBodyIsAccepted() {
        let response = sandbox.handler.handle(HandSigned.alipayPost("alipay.trade.precreate", bizContent: Self.precreateContent()))
        XCTAssertEqual(signedAnswer(response, "alipay.trade.precreate")?.text("code"), "10000", response.text)
    }

    /// Requests sign `sign_type` too (notifications leave it out): a signature made without it
    /// does not verify; nor does one made before a query parameter changed.
    func testTheSignatureCoversSignTypeAndTheQuery() {
        let body: HandSigned.Fields = [("biz_content", Self.precreateContent())]
        let common = HandSigned.alipayCommon("alipay.trade.precreate")
        let withoutSignType = HandSigned.signature(HandSigned.sortedText(common + body, excluding: ["sign", "sign_type"]))
        let changed = HandSigned.alipaySigned(common, alsoSigning: body).map { $0.0 == "timestamp" ? ($0.0, "2001-01-01 00:00:00") : $0 }
        for query in [common + [("sign", withoutSignType)], changed] {
            let response = sandbox.handler.handle(
                HTTPRequest(
                    method: "POST", requestURI: AlipaySide.gatewayPath + "?" + HandSigned.percentEncoded(query),
                    body: Array(HandSigned.percentEncoded(body).utf8)))
            XCTAssertEqual(signedAnswer(response, "alipay.trade.precreate")?.text("sub_code"), "isv.invalid-signature", response.text)
        }
    }

    /// A parameter in the query and in the body too could be read two ways: refused unread, as
    /// is a GET with a body and any other method.
    func testAmbiguousRequestsGetTheUnsignedErrorResponse() {
        let body: HandSigned.Fields = [("biz_content", Self.precreateContent())]
        let signed = HandSigned.alipaySigned(HandSigned.alipayCommon("alipay.trade.precreate"), alsoSigning: body)
        let query = "?" + HandSigned.percentEncoded(signed)
        let twice = Array(HandSigned.percentEncoded(body + [("method", "alipay.trade.precreate")]).utf8)
        for request in [
            HTTPRequest(method: "POST", requestURI: AlipaySide.gatewayPath + query, body: twice),
            HTTPRequest(method: "GET", requestURI: AlipaySide.gatewayPath + query, body: Array(HandSigned.percentEncoded(body).utf8)),
            HTTPRequest(method: "PUT", requestURI: AlipaySide.gatewayPath + query, body: Array(HandSigned.percentEncoded(body).utf8)),
        ] {
            let response = sandbox.handler.handle(request)
            XCTAssertNotNil(JSONValue.object(response.body)?["error_response"], "\(request.method): \(response.text)")
        }
    }

    /// Python's `quote_plus`: a space is `+`, everything but letters, digits and `_.-~` escaped.
    static func quotePlus(_ text: String) -> String {
        WireForm.percentEncoded(text).replacingOccurrences(of: "%20", with: "+")
    }
}
