import XCTest

@testable import PaygateCore

/// `channel_payload` as the merchant reads it (docs/API.md section 5): `pay_url` always, the
/// channel's own members only where the channel has them, the form's fields in order.
final class ChannelPayloadTests: XCTestCase {
    func testOnlyThePayURLWhenTheChannelGivesNothingElse() {
        XCTAssertEqual(ChannelPayload(payURL: "https://sandbox.test/pay/x").json, #"{"pay_url":"https://sandbox.test/pay/x"}"#)
        XCTAssertEqual(Payment.channelPayloadJSON(payURL: "u"), #"{"pay_url":"u"}"#)
    }

    func testQRContentAndFormAreRenderedAsGiven() {
        let wechat = ChannelPayload(payURL: "https://s/pay/w", codeURL: "weixin://wxpay/bizpayurl?pr=abc")
        XCTAssertEqual(wechat.json, #"{"pay_url":"https://s/pay/w","code_url":"weixin://wxpay/bizpayurl?pr=abc"}"#)
        let form = PayerForm(
            action: "https://gateway.test/frontTransReq.do",
            fields: [.init(name: "backUrl", value: "https://p.test/cb?a=1&b=2"), .init(name: "signature", value: "ab+/=")])
        let unionPay = ChannelPayload(payURL: "https://s/pay/u", qrCode: "https://qr.95516.com/00010000/1", form: form)
        XCTAssertEqual(
            unionPay.json,
            #"{"pay_url":"https://s/pay/u","qr_code":"https://qr.95516.com/00010000/1","form":{"action":"https://gateway.test/frontTransReq.do","method":"POST","fields":{"backUrl":"https://p.test/cb?a=1&b=2","signature":"ab+/="}}}"#
        )
        // What is rendered parses back as JSON with the same values.
        guard case .object(let members)? = try? JSONParser.parse(Array(unionPay.json.utf8)) else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["pay_url", "qr_code", "form"])
    }
}
