import PaygateCore
import PaygateCrypto

/// A merchant public key the sandbox accepts request signatures with.
public struct MerchantKey: Sendable {
    /// The id the merchant names its key by: WeChat Pay `serial_no` (hex certificate serial),
    /// UnionPay `certId` (decimal serial). Alipay names no key, so its id is only a label.
    public var id: String
    public var publicKey: RSAPublicKey

    public init(id: String, publicKey: RSAPublicKey) {
        self.id = id
        self.publicKey = publicKey
    }
}

/// One channel as the sandbox plays it: the channel's own signing key and the one merchant
/// account it serves. No textual form shows a key.
public struct SandboxChannelKeys: Sendable, CustomStringConvertible {
    /// Alipay's key, the WeChat Pay platform key, the UnionPay signing certificate's key.
    public var channelPrivateKey: RSAPrivateKey
    /// The id answers and callbacks name the key by: WeChat Pay `Wechatpay-Serial` (hex serial),
    /// UnionPay `certId` (decimal serial). Alipay names no key: "".
    public var channelKeyId: String
    /// Alipay `app_id`, WeChat Pay `mchid`, UnionPay `merId`: requests for any other are refused.
    public var merchantAccountId: String
    /// Accepted merchant keys (several during a merchant's key rotation).
    public var merchantKeys: [MerchantKey]

    public init(channelPrivateKey: RSAPrivateKey, channelKeyId: String, merchantAccountId: String, merchantKeys: [MerchantKey]) {
        precondition(!merchantKeys.isEmpty, "a channel serves at least one merchant key")
        self.channelPrivateKey = channelPrivateKey
        self.channelKeyId = channelKeyId
        self.merchantAccountId = merchantAccountId
        self.merchantKeys = merchantKeys
    }

    public var description: String {
        "SandboxChannelKeys(keyId: \(channelKeyId), merchant: \(merchantAccountId), merchantKeys: \(merchantKeys.map(\.id)), keys: <redacted>)"
    }
}

/// Everything the sandbox needs, built once (from the config file in `paygate-sandbox`, by
/// hand in tests) and passed through initializers.
public struct SandboxConfiguration: Sendable {
    /// Retry schedules longer than this are a configuration mistake (Alipay's has 8 steps).
    public static let retryStepCountMax = 16

    /// What the outside world calls the sandbox, e.g. `https://127.0.0.1:9443` (no trailing
    /// slash): pay URLs and download URLs are built from it.
    public var publicBaseURL: String
    public var alipay: SandboxChannelKeys
    public var wechatpay: SandboxChannelKeys
    /// WeChat Pay's APIv3 key: 32 bytes that seal callback resources (AES-256-GCM).
    public var weChatPayAPIv3Key: Secret
    public var unionpay: SandboxChannelKeys
    /// Delays between a callback's attempts, per channel: after the first attempt fails the
    /// next waits `schedule[0]`, and so on; after the last step the callback is given up.
    public var retryScheduleMilliseconds: [Channel: [Int64]]
    /// The wall clock unless a test fixes it.
    public var clock: @Sendable () -> Timestamp

    public init(
        publicBaseURL: String, alipay: SandboxChannelKeys, wechatpay: SandboxChannelKeys, weChatPayAPIv3Key: Secret,
        unionpay: SandboxChannelKeys, retryScheduleMilliseconds: [Channel: [Int64]] = SandboxConfiguration.channelSchedules,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        precondition(weChatPayAPIv3Key.count == AESGCM.keyByteCount, "the APIv3 key is \(AESGCM.keyByteCount) bytes")
        precondition(
            retryScheduleMilliseconds.values.allSatisfy { $0.count <= Self.retryStepCountMax && $0.allSatisfy { $0 >= 0 } },
            "retry schedules have at most \(Self.retryStepCountMax) non-negative steps")
        self.publicBaseURL = String(publicBaseURL.reversed().drop { $0 == "/" }.reversed())
        self.alipay = alipay
        self.wechatpay = wechatpay
        self.weChatPayAPIv3Key = weChatPayAPIv3Key
        self.unionpay = unionpay
        self.retryScheduleMilliseconds = retryScheduleMilliseconds
        self.clock = clock
    }

    public func keys(for channel: Channel) -> SandboxChannelKeys {
        switch channel {
        case .alipay: alipay
        case .wechatpay: wechatpay
        case .unionpay: unionpay
        }
    }

    /// The retry schedules the channels document (rounded), used unless the config shortens them.
    public static let channelSchedules: [Channel: [Int64]] = [
        // Alipay: 4m, 10m, 10m, 1h, 2h, 6h, 15h (8 notifications within 25 hours).
        .alipay: [4, 10, 10, 60, 120, 360, 900].map { $0 * 60_000 },
        // WeChat Pay: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h.
        .wechatpay: [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map { $0 * 1000 },
        // UnionPay: at 1, 2, 4, 8 and 16 minutes after the first attempt.
        .unionpay: [1, 1, 2, 4, 8].map { $0 * 60_000 },
    ]
}
