import PaygateCore

/// A value a channel refuses because it breaks one of the limits the channel publishes for that
/// field (its length, its characters, its range). Each channel side turns it into its own error
/// form: Alipay `code 40004` with a `sub_code`, WeChat Pay 400 `PARAM_ERROR`, UnionPay a
/// `respCode`. The limits themselves are in `AlipayLimits`, `WeChatPayLimits`, `UnionPayLimits`.
///
/// Why the sandbox enforces them: paygate meets the real channels' rules only if the channel it
/// talks to locally refuses what they would refuse.
struct LimitRefusal: Error, Equatable, Sendable {
    /// The field as the channel names it (`out_trade_no`, `amount.total`, `orderId`).
    let field: String
    /// The rule it broke, as a phrase that follows the field's name.
    let rule: String
    /// The channel's own code for this refusal when it has a specific one (Alipay
    /// ACQ.TOTAL_FEE_EXCEED); nil for its general "invalid parameter" code.
    var code: String? = nil

    var message: String { field + " " + rule }
}

/// Character classes and lengths of the channels' text fields, on bytes: every allowed
/// character is ASCII, so a byte outside the class (any non-ASCII byte too) is refused.
enum WireText {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// nil when `text` has `lengths` characters, each a letter, a digit or one of `extra`.
    static func refusal(
        _ text: String, field: String, lengths: ClosedRange<Int>, extra: Set<UInt8>, description: String
    ) -> LimitRefusal? {
        let bytes = Array(text.utf8)
        guard lengths.contains(bytes.count), bytes.allSatisfy({ isLetterOrDigit($0) || extra.contains($0) }) else {
            return LimitRefusal(field: field, rule: "must be \(lengths.lowerBound) to \(lengths.upperBound) \(description)")
        }
        return nil
    }

    /// nil when `text` has at most `maximum` characters (Unicode scalars, as the channels count).
    static func lengthRefusal(_ text: String, field: String, maximum: Int) -> LimitRefusal? {
        text.unicodeScalars.count <= maximum ? nil : LimitRefusal(field: field, rule: "must be at most \(maximum) characters")
    }

    static func bytes(_ text: String) -> Set<UInt8> {
        Set(text.utf8)
    }
}
