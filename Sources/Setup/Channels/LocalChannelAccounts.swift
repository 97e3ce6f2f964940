import Channels
import PaygateCore

/// The local stack's channel accounts: ids shaped like real ones and owned by nobody, the same on
/// both sides (paygate's `channels` section and the sandbox's configuration).
public enum LocalChannelAccounts {
    /// Alipay `app_id`.
    public static let alipayAppId = "2021000000000001"
    /// WeChat Pay `mchid` and `appid`.
    public static let weChatPayMerchantId = "1900000001"
    public static let weChatPayAppId = "wx8888888888888888"
    /// UnionPay `merId`.
    public static let unionPayMerchantId = "777290058110048"

    /// The fee the local stack is configured with, on every channel: the 0.6 % the sandbox's
    /// statements charge (Sandbox `WireAmount.fee`), as a real account states its contracted rate,
    /// so the fee posted at success and the statement's agree and reconciliation finds them equal.
    public static let feeBasisPoints = 60

    /// RSA 2048, what all three channels issue.
    public static let rsaBits = 2048
    /// Two years, as the channels issue merchant certificates.
    public static let certificateValidityDays = 730
    /// WeChat Pay APIv3 keys are 32 characters, used as the 32 bytes of an AES-256 key: exactly
    /// what the key store accepts.
    public static let apiV3KeyCharacters = WeChatPayAccount.apiV3KeyByteCount

    /// The id the sandbox checks requests against: `app_id`, `mchid` or `merId`.
    public static func merchantAccountId(_ channel: Channel) -> String {
        switch channel {
        case .alipay: alipayAppId
        case .wechatpay: weChatPayMerchantId
        case .unionpay: unionPayMerchantId
        }
    }
}
