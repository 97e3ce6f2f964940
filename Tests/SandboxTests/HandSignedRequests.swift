import PaygateCore
import PaygateCrypto
import XCTest

@testable import Sandbox

/// Requests signed by hand with the test merchant key, following each channel's published rules
/// directly: the unit tests send what the connectors never would (values over a limit, other
/// layouts), so they cannot borrow the connectors' signing. A third implementation of the wire
/// rules, deliberately plain.
enum HandSigned {
    typealias Fields = [(String, String)]

    static func signature(_ message: String) -> String {
        Base64.encode(try! TestKeys.merchant.signSHA256(Array(message.utf8)))
    }

    /// `k=v&…` of the non-empty fields except `excluded`, sorted by name byte-wise, raw values.
    static func sortedText(_ fields: Fields, excluding excluded: Set<String> = ["sign", "signature"]) -> String {
        fields.filter { !$0.1.isEmpty && !excluded.contains($0.0) }
            .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    static func percentEncoded(_ fields: Fields) -> String {
        fields.map { WireForm.percentEncoded($0.0) + "=" + WireForm.percentEncoded($0.1) }.joined(separator: "&")
    }

    // MARK: Alipay

    /// The common parameters of one call (`sign_type` among them), without `sign`.
    static func alipayCommon(_ method: String, notifyURL: String? = nil) -> Fields {
        var fields: Fields = [
            ("app_id", SandboxFixture.alipayAppId), ("method", method), ("charset", "utf-8"), ("sign_type", "RSA2"),
            ("timestamp", ChannelTime.dateTime(.now())), ("version", "1.0"),
        ]
        if let notifyURL { fields.append(("notify_url", notifyURL)) }
        return fields
    }

    /// `fields` with `sign` over every one of them and `otherSigned` (sent elsewhere).
    static func alipaySigned(_ fields: Fields, alsoSigning otherSigned: Fields = []) -> Fields {
        fields + [("sign", signature(sortedText(fields + otherSigned)))]
    }

    /// Everything in one form-encoded POST body, as paygate's connector sends it.
    static func alipayPost(_ method: String, bizContent: String, notifyURL: String? = nil) -> HTTPRequest {
        let fields = alipaySigned(alipayCommon(method, notifyURL: notifyURL) + [("biz_content", bizContent)])
        return HTTPRequest(
            method: "POST", requestURI: AlipaySide.gatewayPath, headers: ["content-type": "application/x-www-form-urlencoded"],
            body: Array(percentEncoded(fields).utf8))
    }

    // MARK: WeChat Pay

    /// `Authorization: WECHATPAY2-SHA256-RSA2048 …` over `METHOD\nURI\ntimestamp\nnonce\nbody\n`
    /// (URI after the base URL), with the test merchant's serial.
    static func weChatPay(_ method: String, _ uri: String, body: String = "") -> HTTPRequest {
        let timestamp = String(Timestamp.now().secondsSinceEpoch)
        let nonce = "HANDSIGNEDNONCE0123456789ABCDEFG"
        let signed = signature(method + "\n" + uri + "\n" + timestamp + "\n" + nonce + "\n" + body + "\n")
        let authorization =
            "WECHATPAY2-SHA256-RSA2048 mchid=\"\(SandboxFixture.weChatPayMerchantId)\",nonce_str=\"\(nonce)\",signature=\"\(signed)\","
            + "timestamp=\"\(timestamp)\",serial_no=\"\(SandboxFixture.weChatPayMerchantSerial)\""
        return HTTPRequest(
            method: method, requestURI: WeChatPaySide.pathPrefix + uri,
            headers: ["authorization": authorization, "content-type": "application/json"], body: Array(body.utf8))
    }

    // MARK: UnionPay

    /// ACP 5.1: certId, then RSA-SHA256 over the lower-case hex SHA-256 of the sorted text.
    static func unionPay(_ path: String, _ fields: Fields) -> HTTPRequest {
        let withCertificate = fields + [("certId", SandboxFixture.unionPayMerchantCertId)]
        let digest = SHA256Digest.hexHash(Array(sortedText(withCertificate).utf8))
        let body = percentEncoded(withCertificate + [("signature", signature(digest))])
        return HTTPRequest(
            method: "POST", requestURI: UnionPaySide.pathPrefix + path, headers: ["content-type": "application/x-www-form-urlencoded"],
            body: Array(body.utf8))
    }

    /// The common fields of a UnionPay request of this merchant.
    static let unionPayCommon: Fields = [
        ("version", "5.1.0"), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"),
        ("merId", SandboxFixture.unionPayMerchantId),
    ]
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// A UnionPay answer's fields (raw `k=v&…`).
    var unionPayFields: [String: String] {
        var fields: [String: String] = [:]
        for part in text.split(separator: "&") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            fields[String(part[..<equals])] = String(part[part.index(after: equals)...])
        }
        return fields
    }

    /// An Alipay answer's `<method>_response` object.
    func alipayAnswer(_ method: String) -> JSONValue? {
        JSONValue.object(body)?[method.split(separator: ".").joined(separator: "_") + "_response"]
    }
}
