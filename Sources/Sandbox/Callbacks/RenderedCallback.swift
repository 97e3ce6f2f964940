import PaygateCore

/// One attempt of a callback, signed and ready to POST.
public struct RenderedCallback: Sendable {
    public let url: String
    /// Header names as the channel writes them (`Wechatpay-Signature`).
    public let headers: [(String, String)]
    public let body: [UInt8]

    /// The path and query of `url` (everything after the host): what a receiver sees as its
    /// request URI.
    public var requestURI: String {
        let bytes = Array(url.utf8)
        var start = 0
        if bytes.count > 3,
            let mark = (0..<(bytes.count - 2)).first(where: { bytes[$0] == 0x3A && bytes[$0 + 1] == 0x2F && bytes[$0 + 2] == 0x2F })
        {
            start = mark + 3
        }
        guard let slash = bytes[start...].firstIndex(of: 0x2F) else { return "/" }
        return String(decoding: bytes[slash...], as: UTF8.self)
    }

    /// The callback as the receiving handler sees it (lower-case header names).
    public var asRequest: HTTPRequest {
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        return HTTPRequest(method: "POST", requestURI: requestURI, headers: lowered, body: body)
    }
}

/// Signs (and for WeChat Pay seals) a queued callback for one attempt.
public struct CallbackRenderer: Sendable {
    let configuration: SandboxConfiguration

    public init(configuration: SandboxConfiguration) {
        self.configuration = configuration
    }

    public func render(_ message: CallbackMessage, now: Timestamp) -> RenderedCallback {
        let keys = configuration.keys(for: message.channel)
        switch message.content {
        case .form(let fields):
            if message.channel == .alipay { return AlipayCallbacks.render(fields, url: message.url, keys: keys, now: now) }
            return UnionPayCallbacks.render(fields, url: message.url, keys: keys)
        case .weChatPay(let notificationId, let eventType, let summary, let originalType, let plaintext):
            return WeChatPayCallbacks.render(
                notificationId: notificationId, eventType: eventType, summary: summary, originalType: originalType, plaintext: plaintext,
                url: message.url, keys: keys, apiV3Key: configuration.weChatPayAPIv3Key, now: now)
        }
    }

    /// What acknowledges a callback: Alipay the exact body `success`, WeChat Pay 200 or 204,
    /// UnionPay HTTP 200 (the body is the merchant's to choose; paygate answers `ok`).
    public static func isAcknowledged(channel: Channel, status: Int, body: [UInt8]) -> Bool {
        switch channel {
        case .alipay: status == 200 && String(decoding: body, as: UTF8.self).trimmingSpaces == "success"
        case .wechatpay: status == 200 || status == 204
        case .unionpay: status == 200
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
