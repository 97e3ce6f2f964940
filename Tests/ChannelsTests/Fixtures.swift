import PaygateCore
import PaygateCrypto

@testable import Channels

/// Values shared by the connector tests; the Python vector scripts use the same ones.
enum Fixtures {
    /// 2026-11-27T15:14:47Z, which is 23:14:47 in China.
    static let now = Timestamp(secondsSinceEpoch: 1_795_792_487)
    static let paymentId = PaymentId("pay_019ac5b7d1c80123a1b2c3d4e5f60718")!
    static let amount = Money(minorUnits: 1230, currency: .cny)
    static let refundAmount = Money(minorUnits: 500, currency: .cny)
    static let subject = "Coffee 咖啡 & cake"

    static func order(callbackURL: String) -> PrepayOrder {
        PrepayOrder(paymentId: paymentId, amount: amount, subject: subject, expiresAt: now.adding(seconds: 900), callbackURL: callbackURL)
    }

    /// The order every prepay answer vector is about.
    static let prepayOrder = order(callbackURL: "https://pay.example.test/callbacks/unionpay")

    static let reference = ChannelPaymentReference(paymentId: paymentId, amount: amount, expiresAt: now.adding(seconds: 900))

    static func refund(callbackURL: String, channelTransactionId: String?) -> RefundOrder {
        RefundOrder(
            refundId: "ref_1", paymentId: paymentId, channelTransactionId: channelTransactionId, amount: refundAmount,
            paymentAmount: amount, reason: "damaged", callbackURL: callbackURL, createdAt: now.adding(seconds: 3600))
    }

    /// The refund every refund answer vector is about (ref_1, 5.00 of `paymentId`).
    static let refundOrder = refund(callbackURL: "https://pay.example.test/callbacks", channelTransactionId: "782611272316020123456")
    static let refundReference = ChannelRefundReference(
        refundId: "ref_1", paymentId: paymentId, amount: refundAmount, createdAt: now.adding(seconds: 3600))

    /// The channel's current key "k2" and the key "k1" it replaced at `now` with a 1-hour grace.
    static func rotatedKeys(style: VerificationKeySet.IdentifierStyle, currentId: String, retiredId: String) -> VerificationKeySet {
        VerificationKeySet(style: style, keys: [VerificationKey(id: retiredId, publicKey: TestKeys.channelRetired.publicKey)])
            .rotated(to: VerificationKey(id: currentId, publicKey: TestKeys.channelCurrent.publicKey), now: now, graceSeconds: 3600)
    }

    static func response(_ body: String, status: Int = 200, headers: [(String, String)] = []) -> ChannelResponse {
        ChannelResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    static func formPost(_ uri: String, _ body: String, headers: [String: String] = [:]) -> HTTPRequest {
        HTTPRequest(
            method: "POST", requestURI: uri, headers: ["content-type": "application/x-www-form-urlencoded"].merging(headers) { $1 },
            body: Array(body.utf8))
    }

    /// `text` with the base64 character at `offset` replaced by another base64 character, so
    /// the text still decodes and only the signature bytes change.
    static func base64CharacterChanged(_ text: String, at offset: Int) -> String {
        var bytes = Array(text.utf8)
        bytes[offset] = bytes[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` with the byte at `offset` changed, for tamper tests.
    static func flipped(_ text: String, at offset: Int) -> String {
        var bytes = Array(text.utf8)
        bytes[offset] ^= 0x01
        return String(decoding: bytes, as: UTF8.self)
    }
}
