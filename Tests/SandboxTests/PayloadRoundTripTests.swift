import Channels
import Foundation
import PaygateCore
import Sandbox
import XCTest

/// What the sandbox's prepay answers hand the merchant, read by the REAL connectors: each
/// channel's own QR content, and UnionPay's front-end form, which the sandbox accepts when
/// posted exactly as given (and refuses with any field changed or left out).
final class PayloadRoundTripTests: XCTestCase {
    let sandbox = SandboxFixture()

    func testEachChannelsQRContentIsShapedAsTheChannelHandsItOut() throws {
        let weChat = try sandbox.prepayPayload(SandboxFixture.weChatPay(), SandboxFixture.order(.wechatpay))
        XCTAssertTrue(weChat.codeURL?.hasPrefix("weixin://wxpay/bizpayurl?pr=") ?? false, "\(weChat)")
        XCTAssertNil(weChat.qrCode)
        let alipay = try sandbox.prepayPayload(SandboxFixture.alipay(), SandboxFixture.order(.alipay))
        XCTAssertTrue(alipay.qrCode?.hasPrefix("https://qr.alipay.com/") ?? false, "\(alipay)")
        XCTAssertNil(alipay.codeURL)
        XCTAssertNil(alipay.form)
        let unionPay = try sandbox.prepayPayload(SandboxFixture.unionPay(), SandboxFixture.order(.unionpay))
        XCTAssertTrue(unionPay.qrCode?.hasPrefix("https://qr.95516.com/") ?? false, "\(unionPay)")
        XCTAssertNotNil(unionPay.form)
    }

    private func post(_ form: PayerForm, _ fields: [PayerForm.Field]) -> HTTPResponse {
        let body = fields.map { FormEncoding.component($0.name) + "=" + FormEncoding.component($0.value) }.joined(separator: "&")
        return sandbox.handler.handle(
            HTTPRequest(
                method: "POST", requestURI: SandboxFixture.requestURI(form.action),
                headers: ["content-type": "application/x-www-form-urlencoded"], body: Array(body.utf8)))
    }

    func testTheUnionPayFormPostedAsGivenLeadsToThePayerPageAndPays() throws {
        let connector = SandboxFixture.unionPay()
        let order = SandboxFixture.order(.unionpay)
        let payload = try sandbox.prepayPayload(connector, order)
        let form = try XCTUnwrap(payload.form)
        let accepted = post(form, form.fields)
        XCTAssertEqual(accepted.status, 303, String(decoding: accepted.body, as: UTF8.self))
        XCTAssertEqual(accepted.headers.first { $0.name == "Location" }?.value, payload.payURL)

        // One field changed, or one left out: the signature no longer covers what is posted.
        let changed = form.fields.map { $0.name == "txnAmt" ? PayerForm.Field(name: "txnAmt", value: "1") : $0 }
        XCTAssertEqual(post(form, changed).status, 403)
        XCTAssertEqual(post(form, form.fields.filter { $0.name != "payTimeout" }).status, 403)

        // The payer page it leads to pays the order, and the channel's callback verifies.
        sandbox.pay(payload.payURL, result: "success")
        guard case .verified(.paymentSucceeded(let payment))? = sandbox.verifiedCallback(connector) else {
            return XCTFail("no verified payment callback")
        }
        XCTAssertEqual(payment.paymentId, order.paymentId)
    }
}

/// application/x-www-form-urlencoded as a browser sends a form: unreserved characters as they
/// are, everything else percent-encoded.
enum FormEncoding {
    static func component(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}
