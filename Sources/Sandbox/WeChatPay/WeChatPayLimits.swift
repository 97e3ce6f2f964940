import PaygateCore

/// WeChat Pay API v3's published limits on the fields the sandbox reads (Native prepay, order
/// query and close, refund and refund query). WeChat Pay refuses a value over a limit with HTTP
/// 400 and `{"code": "PARAM_ERROR", "message": ...}`.
enum WeChatPayLimits {
    /// `out_trade_no`: 6 to 32 letters, digits and `_-|*`.
    static let outTradeNoCharacters = 6...32
    static let outTradeNoExtraCharacters = WireText.bytes("_-|*")
    /// `out_refund_no`: 1 to 64 letters, digits and `_-|*@`.
    static let outRefundNoCharacters = 1...64
    static let outRefundNoExtraCharacters = WireText.bytes("_-|*@")
    /// A refund's `reason`, counted in bytes of UTF-8 like `description`.
    static let reasonBytesMax = 80
    /// `notify_url`: https, no query string, at most 256 characters.
    static let notifyURLCharactersMax = 256
    static let notifyURLScheme = "https://"
    /// `amount.total` and `amount.refund`: integer fen, at least one.
    static let amountFenMin: Int64 = 1
    /// API v3 takes the UTF-8 characters of one to three bytes only (its API rules, "character
    /// set"): nothing beyond U+FFFF, so no emoji.
    static let scalarValueMax: UInt32 = 0xFFFF

    static func outTradeNo(_ text: String) -> LimitRefusal? {
        WireText.refusal(
            text, field: "out_trade_no", lengths: outTradeNoCharacters, extra: outTradeNoExtraCharacters,
            description: "letters, digits or _-|*")
    }

    static func outRefundNo(_ text: String) -> LimitRefusal? {
        WireText.refusal(
            text, field: "out_refund_no", lengths: outRefundNoCharacters, extra: outRefundNoExtraCharacters,
            description: "letters, digits or _-|*@")
    }

    static func notifyURL(_ text: String) -> LimitRefusal? {
        guard text.hasPrefix(notifyURLScheme), !text.contains("?"), text.unicodeScalars.count <= notifyURLCharactersMax else {
            return LimitRefusal(field: "notify_url", rule: "must be an https URL without a query, at most 256 characters")
        }
        return nil
    }

    /// nil when `text` holds only characters API v3 takes.
    static func characters(_ text: String, field: String) -> LimitRefusal? {
        guard text.unicodeScalars.contains(where: { $0.value > scalarValueMax }) else { return nil }
        return LimitRefusal(field: field, rule: "must hold only characters of one to three bytes of UTF-8 (none beyond U+FFFF)")
    }

    /// An amount member: a JSON integer (no fraction, no exponent, no string) of at least one fen.
    static func fen(_ amount: JSONValue?, member: String) throws(LimitRefusal) -> Int64 {
        guard let fen = amount?.integer(member), fen >= amountFenMin else {
            throw LimitRefusal(field: "amount." + member, rule: "must be an integer number of fen, at least 1")
        }
        return fen
    }

    /// What a Native prepay checks beyond the presence of its fields: its number, notify_url,
    /// time_expire and amount. The order's total in fen when they hold.
    static func native(_ content: JSONValue, outTradeNo number: String, notifyURL url: String) throws(LimitRefusal) -> Int64 {
        if let refusal = outTradeNo(number) ?? notifyURL(url) ?? characters(content.text("description") ?? "", field: "description") {
            throw refusal
        }
        if let expiry = content["time_expire"], expiry.stringText.flatMap(ChannelTime.parseRFC3339) == nil {
            throw LimitRefusal(field: "time_expire", rule: "must be an RFC 3339 time such as 2026-11-27T23:14:47+08:00")
        }
        return try fen(content["amount"], member: "total")
    }

    /// What a refund checks beyond the presence of its fields. (refund fen, total fen) when they hold.
    static func refund(
        _ content: JSONValue, outTradeNo number: String, outRefundNo refundNumber: String
    ) throws(LimitRefusal) -> (
        refund: Int64, total: Int64
    ) {
        if let refusal = outTradeNo(number) ?? outRefundNo(refundNumber) { throw refusal }
        if let reason = content.text("reason") {
            if reason.utf8.count > reasonBytesMax {
                throw LimitRefusal(field: "reason", rule: "must be at most \(reasonBytesMax) bytes of UTF-8")
            }
            if let refusal = characters(reason, field: "reason") { throw refusal }
        }
        if let url = content.text("notify_url"), let refusal = notifyURL(url) { throw refusal }
        return (try fen(content["amount"], member: "refund"), try fen(content["amount"], member: "total"))
    }
}

extension JSONValue {
    fileprivate var stringText: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}
