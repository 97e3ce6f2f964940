import PaygateCore

/// UnionPay ACP 5.1's published limits on the fields the sandbox reads (consume QR apply, refund,
/// query). UnionPay refuses a malformed field with respCode 10, "message format error".
enum UnionPayLimits {
    /// `orderId` of a payment or a refund: 8 to 32 letters and digits (no `-`, no `_`).
    static let orderIdCharacters = 8...32
    /// `txnAmt`: fen, 1 to 12 digits, no leading zero.
    static let txnAmtDigits = 1...12
    /// `backUrl`: at most 256 characters.
    static let backURLCharactersMax = 256

    static func orderId(_ text: String) -> LimitRefusal? {
        WireText.refusal(text, field: "orderId", lengths: orderIdCharacters, extra: [], description: "letters or digits")
    }

    /// The amount of `txnAmt`, or why it is refused.
    static func txnAmt(_ text: String?) throws(LimitRefusal) -> Money {
        let digits = Array((text ?? "").utf8)
        guard txnAmtDigits.contains(digits.count), digits.allSatisfy(WireText.isDigit), digits.first != 0x30 else {
            throw LimitRefusal(field: "txnAmt", rule: "must be 1 to 12 digits of fen without a leading zero")
        }
        return Money(minorUnits: digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }, currency: .cny)
    }

    /// `txnTime` and `payTimeout`: YYYYMMDDhhmmss, China time.
    static func time(_ text: String, field: String) -> LimitRefusal? {
        ChannelTime.parseCompact(text) == nil ? LimitRefusal(field: field, rule: "must be YYYYMMDDhhmmss") : nil
    }

    /// What a consume QR apply or a refund checks beyond the presence of its fields: orderId,
    /// txnTime, txnAmt, backUrl and (a payment's) payTimeout. The amount when they hold.
    static func transaction(_ form: WireForm) throws(LimitRefusal) -> Money {
        if let refusal = orderId(form["orderId"] ?? "") ?? time(form["txnTime"] ?? "", field: "txnTime") { throw refusal }
        if let timeout = form["payTimeout"], let refusal = time(timeout, field: "payTimeout") { throw refusal }
        if let url = form["backUrl"], url.unicodeScalars.count > backURLCharactersMax {
            throw LimitRefusal(field: "backUrl", rule: "must be at most \(backURLCharactersMax) characters")
        }
        return try txnAmt(form["txnAmt"])
    }
}
