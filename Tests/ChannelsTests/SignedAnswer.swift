import PaygateCore
import PaygateCrypto

@testable import Channels

/// Channel answers signed here with `TestKeys.channelCurrent` exactly as each channel signs
/// them (PKCS#1 v1.5 is deterministic, so each is a fixed vector), for the answers the Python
/// vectors do not cover: answers about another refund, order, amount or transaction time.
enum SignedAnswer {
    static let weChatPaySerial = "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"
    static let unionPayCertId = "69042905377"

    /// A WeChat Pay v3 answer: the platform signature over `timestamp\nnonce\nbody\n` in headers.
    static func weChatPay(_ body: String, status: Int = 200) throws -> ChannelResponse {
        let timestamp = "1795792487"
        let nonce = "c5ac7061fccab6bf3e254dcf98995b8c"
        let signature = try TestKeys.channelCurrent.signSHA256(Array((timestamp + "\n" + nonce + "\n" + body + "\n").utf8))
        return Fixtures.response(
            body, status: status,
            headers: [
                ("wechatpay-timestamp", timestamp), ("wechatpay-nonce", nonce), ("wechatpay-signature", Base64.encode(signature)),
                ("wechatpay-serial", weChatPaySerial), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
            ])
    }

    /// An Alipay answer: `member` holds `content`, signed as its raw text.
    static func alipay(_ member: String, _ content: String) throws -> ChannelResponse {
        let signature = try TestKeys.channelCurrent.signSHA256(Array(content.utf8))
        return Fixtures.response("{\"\(member)\":\(content),\"sign\":\"\(Base64.encode(signature))\"}")
    }

    /// A UnionPay answer: raw `k=v&…` with certId, signed over the hex SHA-256 of the sorted text.
    static func unionPay(_ fields: [(name: String, value: String)]) throws -> ChannelResponse {
        var form = FormFields(fields + [(name: "certId", value: unionPayCertId)])
        let signature = try TestKeys.channelCurrent.signSHA256(UnionPaySignedText.message(form))
        form.append("signature", Base64.encode(signature))
        return Fixtures.response(form.pairs.map { $0.name + "=" + $0.value }.joined(separator: "&"))
    }
}
