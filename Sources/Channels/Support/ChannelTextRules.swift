import PaygateCore

/// What each channel accepts as the text the payer sees (our `subject`), refused at create rather
/// than by the channel after the fact (docs/API.md section 5):
/// - Alipay: no `&` or `=`. Its notifications are forms whose signed text joins `key=value` pairs
///   with `&` without escaping, so a subject carrying them could re-split the text a signature
///   covers (and Alipay itself refuses them in `subject`).
/// - WeChat Pay: `description` is at most 127 bytes of UTF-8 (about 42 Chinese characters).
/// - UnionPay: the subject is not sent.
public enum ChannelTextRules {
    public static let weChatPayDescriptionBytesMax = 127
    static let alipayForbiddenCharacters: Set<Character> = ["&", "="]

    /// Why `subject` cannot go to `channel`, or nil.
    public static func subjectRefusal(_ subject: String, channel: Channel) -> String? {
        switch channel {
        case .alipay:
            guard subject.contains(where: alipayForbiddenCharacters.contains) else { return nil }
            return "subject must not contain '&' or '=' for the alipay channel."
        case .wechatpay:
            guard subject.utf8.count > weChatPayDescriptionBytesMax else { return nil }
            return "subject must be at most \(weChatPayDescriptionBytesMax) bytes of UTF-8 for the wechatpay channel."
        case .unionpay:
            return nil
        }
    }
}
