import PaygateCore

/// What each channel accepts as the text the payer sees (our `subject`), refused at create rather
/// than by the channel after the fact (docs/API.md section 5):
/// - Alipay: no `&` or `=`. Its notifications are forms whose signed text joins `key=value` pairs
///   with `&` without escaping, so a subject carrying them could re-split the text a signature
///   covers (and Alipay itself refuses them in `subject`).
/// - WeChat Pay: `description` is at most 127 bytes of UTF-8 (about 42 Chinese characters), and
///   takes no character beyond U+FFFF (its API rules allow 1 to 3 bytes of UTF-8 per character:
///   no emoji).
/// - UnionPay: the subject is not sent.
///
/// A refund's `reason` is only shown to the payer, so it is fitted rather than refused: WeChat
/// Pay takes 80 bytes of it without characters beyond U+FFFF (`weChatPayRefundReason`).
public enum ChannelTextRules {
    public static let weChatPayDescriptionBytesMax = 127
    public static let weChatPayRefundReasonBytesMax = 80
    static let alipayForbiddenCharacters: Set<Character> = ["&", "="]
    static let basicPlaneMax: UInt32 = 0xFFFF

    /// Why `subject` cannot go to `channel`, or nil.
    public static func subjectRefusal(_ subject: String, channel: Channel) -> String? {
        switch channel {
        case .alipay:
            guard subject.contains(where: alipayForbiddenCharacters.contains) else { return nil }
            return "subject must not contain '&' or '=' for the alipay channel."
        case .wechatpay:
            if subject.unicodeScalars.contains(where: { $0.value > basicPlaneMax }) {
                return "subject must not contain characters beyond U+FFFF (such as emoji) for the wechatpay channel."
            }
            guard subject.utf8.count > weChatPayDescriptionBytesMax else { return nil }
            return "subject must be at most \(weChatPayDescriptionBytesMax) bytes of UTF-8 for the wechatpay channel."
        case .unionpay:
            return nil
        }
    }

    /// The refund reason as WeChat Pay takes it: characters beyond U+FFFF left out, then cut to
    /// 80 bytes at a character boundary. Nil when nothing is left.
    public static func weChatPayRefundReason(_ reason: String) -> String? {
        var fitted = String.UnicodeScalarView()
        var bytes = 0
        for scalar in reason.unicodeScalars where scalar.value <= basicPlaneMax {
            let width = String(scalar).utf8.count
            guard bytes + width <= weChatPayRefundReasonBytesMax else { break }
            fitted.append(scalar)
            bytes += width
        }
        return fitted.isEmpty ? nil : String(fitted)
    }
}
