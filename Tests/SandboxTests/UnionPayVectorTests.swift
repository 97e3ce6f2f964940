import Channels
import PaygateCore
import PaygateCrypto
import XCTest

@testable import Sandbox

/// UnionPay publishes no SDK on PyPI, so its ACP 5.1 signing rules are held to fixed vectors built
/// from the published rules, computed independently with OpenSSL when the test was written:
///
///     printf '%s' "$SORTED_TEXT" > text                      # k=v&… sorted, signature left out
///     DIGEST=$(openssl dgst -sha256 -r text | cut -d' ' -f1)  # lower-case hex SHA-256
///     printf '%s' "$DIGEST" | openssl dgst -sha256 -sign KEY.pem | openssl base64 -A
///
/// (signMethod 01: RSA-SHA256 over the hex digest's text, Base64; certId names the key), with
/// the TEST-ONLY keys of TestKeys.swift (merchant = the merchant's signing certificate,
/// channelCurrent = UnionPay's).
final class UnionPayVectorTests: XCTestCase {
    static let merchantCertId = SandboxFixture.unionPayMerchantCertId
    static let channelCertId = SandboxFixture.unionPayChannelCertId

    /// A merchant's consume QR apply as paygate sends it (orderId = the payment id without `pay_`).
    static let request: [(String, String)] = [
        ("version", "5.1.0"), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"), ("merId", "777290058110048"),
        ("certId", merchantCertId), ("txnType", "01"), ("txnSubType", "07"), ("bizType", "000000"), ("channelType", "08"),
        ("orderId", "019ac5b7d1c80123a1b2c3d4e5f60718"), ("txnTime", "20251127222909"), ("txnAmt", "1230"), ("currencyCode", "156"),
        ("backUrl", "https://pay.example.test/callbacks/unionpay"), ("payTimeout", "20991127232947"),
    ]
    static let requestText =
        "accessType=0&backUrl=https://pay.example.test/callbacks/unionpay&bizType=000000&certId=69629715588&channelType=08"
        + "&currencyCode=156&encoding=UTF-8&merId=777290058110048&orderId=019ac5b7d1c80123a1b2c3d4e5f60718&payTimeout=20991127232947"
        + "&signMethod=01&txnAmt=1230&txnSubType=07&txnTime=20251127222909&txnType=01&version=5.1.0"
    static let requestDigest = "ee092688b09345eab29ad93ec217f6c4412372bee66ae4bdcc79f467cab64b64"
    static let requestSignature =
        "q7H6ha7edvnsDc+Vv3zuiwovq0NwMDhFr8EW99rrU5XLmA6WbtSxLVCLc3e7+yuOxcl4LyorvpRInX6NF4PurI20x44Mkdl2HxIYL1ecIEn+odakUsvE6f+Jh5t/"
        + "EiVMHABIGzninWiOK2jl+JAoul4exXEqGrtcw6nc/p4UF7kAMqJMg+MtP8Y03jp9e9X/FjaxFdSaX7z9WkJBv3m+maMzdw37jcCikZDk1STSKLS61ca92ZajNroW"
        + "DBt/W4TLmOhbrWWROjvHEqVYuAp5IwZui+hbsUgMoBFZcgwCpECBxRWMoiVkTdW+GOXAn1caXNUu2rc23wQgIsEUg7vYSg=="

    /// UnionPay's notice of that payment, as the sandbox signs it with UnionPay's key.
    static let notice: [(String, String)] = [
        ("version", "5.1.0"), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"), ("merId", "777290058110048"),
        ("bizType", "000000"), ("txnType", "01"), ("txnSubType", "07"), ("orderId", "019ac5b7d1c80123a1b2c3d4e5f60718"),
        ("txnTime", "20251127222909"), ("respCode", "00"), ("respMsg", "Success!"), ("queryId", "202511272231020000001"),
        ("txnAmt", "1230"), ("currencyCode", "156"), ("settleAmt", "1230"), ("settleCurrencyCode", "156"), ("settleDate", "1127"),
        ("traceNo", "223102"), ("traceTime", "1127223102"),
    ]
    static let noticeDigest = "78af31b98c5d709e8d8f818b9044599db50e55db7c2247f5e47584f8790af06b"
    static let noticeSignature =
        "Yy7C2z1gkzIiOdhblBmQYamBvTuEIdUA0RXAsB3JeBZRdO5yqvT3/T0QJChEDRppgoFcskSzt1YJ/XP9P9hijdX/fj8wc3Yps0WdYA/necxteQFb/IA2uV4WUnLf"
        + "C/YahTWUUAkYEI3jqnbZFjG2XqAYIazbJaNs+SZjgMTPJe4d9QxbBlnY50+JpMegaGu5NgveVWZsl5n+aDJgmh8zMLOO8Jy7dfQCjT9O8GA95HaflTH11YvIjZKX"
        + "foytwFkvurKY/l0JTKplFu7UMJrlCb+Fid6Sfd31vJ45NBZRYsFbM4y7YQaisqNi+yGfKOVeXH90CaOX5YuMUpBT/LLtXw=="

    static func post(_ fields: [(String, String)]) -> HTTPRequest {
        HTTPRequest(
            method: "POST", requestURI: UnionPaySide.pathPrefix + "/backTransReq.do",
            headers: ["content-type": "application/x-www-form-urlencoded"], body: Array(HandSigned.percentEncoded(fields).utf8))
    }

    /// The sandbox's reading of the rules gives the same text and digest as OpenSSL's.
    func testTheSandboxSignsTheHexDigestOfTheSortedText() {
        let form = WireForm(Self.request.map { (name: $0.0, value: $0.1) })
        XCTAssertEqual(form.signingText(excluding: ["signature"]), Self.requestText)
        XCTAssertEqual(String(decoding: UnionPayCallbacks.signedMessage(form), as: UTF8.self), Self.requestDigest)
    }

    /// The vector verifies at the sandbox (the order is accepted); one changed field does not.
    func testTheSandboxVerifiesTheMerchantsSignature() {
        let sandbox = SandboxFixture()
        let accepted = sandbox.handler.handle(Self.post(Self.request + [("signature", Self.requestSignature)])).unionPayFields
        XCTAssertEqual(accepted["respCode"], "00", "\(accepted)")
        let changed = Self.request.map { $0.0 == "txnAmt" ? ($0.0, "1231") : $0 } + [("signature", Self.requestSignature)]
        XCTAssertEqual(sandbox.handler.handle(Self.post(changed)).unionPayFields["respCode"], "11")
    }

    /// The sandbox's own signature on UnionPay's notice is the vector's, under UnionPay's certId.
    func testTheSandboxSignsNoticesAsOpenSSLDoes() {
        let keys = SandboxFixture().configuration.unionpay
        let signed = UnionPayCallbacks.signed(WireForm(Self.notice.map { (name: $0.0, value: $0.1) }), keys: keys)
        XCTAssertEqual(signed["certId"], Self.channelCertId)
        XCTAssertEqual(String(decoding: UnionPayCallbacks.signedMessage(signed), as: UTF8.self), Self.noticeDigest)
        XCTAssertEqual(signed["signature"], Self.noticeSignature)
    }

    /// paygate's connector signs the same payment exactly as the vector (RSA PKCS#1 v1.5 is
    /// deterministic, so equal inputs give equal bytes).
    func testTheConnectorSignsAsOpenSSLDoes() throws {
        let paymentId = try XCTUnwrap(PaymentId("pay_019ac5b7d1c80123a1b2c3d4e5f60718"))
        let expiresAt = try XCTUnwrap(Timestamp(parsing: "2099-11-27T15:29:47Z"))  // 23:29:47 in China
        let order = PrepayOrder(
            paymentId: paymentId, amount: Money(minorUnits: 1230, currency: .cny), subject: "Tea", expiresAt: expiresAt,
            callbackURL: "https://pay.example.test/callbacks/unionpay")
        let request = try SandboxFixture.unionPay().prepayRequest(order, now: .now())
        let fields = Dictionary(
            QueryString.pairs(Substring(decoding: request.body, as: UTF8.self)), uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(fields["orderId"], "019ac5b7d1c80123a1b2c3d4e5f60718")
        XCTAssertEqual(fields.count, Self.request.count + 1, "the vector's fields and the signature")
        XCTAssertEqual(fields["signature"], Self.requestSignature)
    }
}
