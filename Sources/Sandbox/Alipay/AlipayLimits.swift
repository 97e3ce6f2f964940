import PaygateCore

/// Alipay's published limits on the fields the sandbox reads: the API reference of
/// alipay.trade.precreate, .query, .close, .refund and .fastpay.refund.query, and of the common
/// request parameters. Alipay refuses a value over a limit with `code 40004` and `sub_code`
/// ACQ.INVALID_PARAMETER, or ACQ.TOTAL_FEE_EXCEED for an order above its largest amount.
enum AlipayLimits {
    /// `out_trade_no`: at most 64 letters, digits and underscores.
    static let outTradeNoCharactersMax = 64
    /// `out_request_no`, a refund's number within its trade: at most 64 characters.
    static let outRequestNoCharactersMax = 64
    static let subjectCharactersMax = 256
    static let refundReasonCharactersMax = 256
    /// `notify_url`, a common parameter.
    static let notifyURLCharactersMax = 256
    /// `total_amount` and `refund_amount`: yuan in [0.01, 100 000 000], at most two decimals.
    static let amountFenMin: Int64 = 1
    static let amountFenMax: Int64 = 10_000_000_000
    static let amountFractionDigitsMax = 2
    /// Digits before the point in the largest amount (100000000): more is above it for sure.
    static let amountIntegerDigitsMax = 9

    static let invalidParameter = "ACQ.INVALID_PARAMETER"
    static let totalFeeExceed = "ACQ.TOTAL_FEE_EXCEED"

    static func outTradeNo(_ text: String) -> LimitRefusal? {
        WireText.refusal(
            text, field: "out_trade_no", lengths: 1...outTradeNoCharactersMax, extra: WireText.bytes("_"),
            description: "letters, digits or underscores")
    }

    static func outRequestNo(_ text: String) -> LimitRefusal? {
        text.isEmpty
            ? LimitRefusal(field: "out_request_no", rule: "must not be empty")
            : WireText.lengthRefusal(text, field: "out_request_no", maximum: outRequestNoCharactersMax)
    }

    /// What precreate checks beyond the presence of its fields; the order's amount when they hold.
    static func precreate(_ content: JSONValue, notifyURL: String) throws(LimitRefusal) -> Money {
        if let refusal = outTradeNo(content.text("out_trade_no") ?? "") { throw refusal }
        if let refusal = WireText.lengthRefusal(content.text("subject") ?? "", field: "subject", maximum: subjectCharactersMax) {
            throw refusal
        }
        if let refusal = WireText.lengthRefusal(notifyURL, field: "notify_url", maximum: notifyURLCharactersMax) { throw refusal }
        if let expiry = content["time_expire"], expiry.dateTimeText.flatMap(ChannelTime.parseDateTime) == nil {
            throw LimitRefusal(field: "time_expire", rule: "must be yyyy-MM-dd HH:mm:ss")
        }
        return try amount(content["total_amount"], field: "total_amount", aboveMaximumCode: totalFeeExceed)
    }

    /// What a refund checks beyond the presence of its fields; the refund's amount when they hold.
    static func refund(_ content: JSONValue) throws(LimitRefusal) -> Money {
        if let refusal = outTradeNo(content.text("out_trade_no") ?? "") { throw refusal }
        if let number = content.text("out_request_no"), let refusal = outRequestNo(number) { throw refusal }
        if let reason = content.text("refund_reason"),
            let refusal = WireText.lengthRefusal(reason, field: "refund_reason", maximum: refundReasonCharactersMax)
        {
            throw refusal
        }
        return try amount(content["refund_amount"], field: "refund_amount", aboveMaximumCode: invalidParameter)
    }

    /// An amount of yuan as Alipay reads it: a JSON string ("12.30") or, as SDKs that pass a
    /// number send it, a JSON number (12.3), read from its text digit by digit, never as a
    /// floating-point value. Two decimals at most, no sign, no exponent.
    static func amount(_ value: JSONValue?, field: String, aboveMaximumCode: String) throws(LimitRefusal) -> Money {
        let malformed = LimitRefusal(field: field, rule: "must be yuan from 0.01 to 100000000 with at most two decimals")
        guard let text = value?.amountText else { throw malformed }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0].utf8)
        let fraction = parts.count == 2 ? Array(parts[1].utf8) : []
        guard !whole.isEmpty, whole.allSatisfy(WireText.isDigit), whole.first != 0x30 || whole.count == 1,
            parts.count == 1 || (1...amountFractionDigitsMax).contains(fraction.count), fraction.allSatisfy(WireText.isDigit)
        else { throw malformed }
        guard whole.count <= amountIntegerDigitsMax else {
            throw LimitRefusal(field: field, rule: "must be at most 100000000", code: aboveMaximumCode)
        }
        let digits = whole + fraction + Array(repeating: 0x30, count: amountFractionDigitsMax - fraction.count)
        let fen = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
        guard fen >= amountFenMin else { throw malformed }
        guard fen <= amountFenMax else { throw LimitRefusal(field: field, rule: "must be at most 100000000", code: aboveMaximumCode) }
        return Money(minorUnits: fen, currency: .cny)
    }
}

extension JSONValue {
    /// A string's text, or a number's source text.
    fileprivate var amountText: String? {
        switch self {
        case .string(let text), .number(let text): text
        default: nil
        }
    }

    fileprivate var dateTimeText: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}
