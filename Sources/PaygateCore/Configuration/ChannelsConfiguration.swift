/// The `channels` section of the configuration: where the channels are, how long to
/// wait for them, and the FILES holding each account's keys. Key text never appears in the
/// configuration, so the file can be shown, diffed and logged; the key store in the Channels
/// module reads the files. Optional as a whole: a configuration without it runs no channel.
public struct ChannelsConfiguration: Sendable, Codable {
    /// Rotations are rare: more keys than this means retired ones are never being removed.
    /// The same bound as `VerificationKeySet.keyCountMax` in the Channels module.
    public static let verificationKeyCountMax = 8

    /// CA certificates (PEM) that channel servers' TLS certificates must chain to.
    public var caFile: String
    /// Our callback endpoints without the channel, e.g. `https://pay.example/callbacks`; a
    /// channel is told `<callback_base_url>/<channel>`.
    public var callbackBaseURL: String
    /// Default 3000, TCP and TLS handshake together: a new connection made in a burst of creates
    /// can take over a second to shake hands on a loaded host; a channel that cannot in three is down.
    public var connectTimeoutMilliseconds: Int = 3000
    /// Default 5000, for the whole exchange: a merchant's create call waits on the prepay.
    public var totalTimeoutMilliseconds: Int = 5000
    /// Default 86400 (a day): how long a retired verification key is still accepted after its
    /// `retired_at`, so callbacks signed before a rotation are not lost.
    public var verificationKeyGraceSeconds: Int64 = 86_400
    /// Each channel's fee in basis points, posted to `channel_fees:<channel>` when a payment
    /// succeeds (LedgerEntry). A channel left out charges nothing.
    public var feeBasisPoints: [String: Int] = [:]
    public var alipay: Alipay
    public var wechatpay: WeChatPay
    public var unionpay: UnionPay

    /// One verification key file: a public key (Alipay) or a certificate (WeChat Pay, UnionPay).
    /// Without `retiredAt` it is the current key; with it, a previous key.
    public struct VerificationKeyFile: Sendable, Codable, Equatable {
        public var file: String
        /// RFC 3339 UTC, e.g. `2026-01-31T08:00:00Z`.
        public var retiredAt: String?

        enum CodingKeys: String, CodingKey {
            case file
            case retiredAt = "retired_at"
        }

        public init(file: String, retiredAt: String? = nil) { self.file = file; self.retiredAt = retiredAt }

        /// Nil for the current key; `retiredAt` as an instant for a previous one (checked by `validate`).
        public var retiredAtTimestamp: Timestamp? { retiredAt.flatMap(Timestamp.init(parsing:)) }
    }

    public struct Alipay: Sendable, Codable {
        /// The gateway every method is posted to, e.g. `https://openapi.alipay.com/gateway.do`.
        public var baseURL: String
        public var appId: String
        public var privateKeyFile: String
        public var verificationKeys: [VerificationKeyFile]

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url"
            case appId = "app_id"
            case privateKeyFile = "private_key_file"
            case verificationKeys = "verification_keys"
        }

        public init(baseURL: String, appId: String, privateKeyFile: String, verificationKeys: [VerificationKeyFile]) {
            self.baseURL = baseURL
            self.appId = appId
            self.privateKeyFile = privateKeyFile
            self.verificationKeys = verificationKeys
        }
    }

    public struct WeChatPay: Sendable, Codable {
        /// E.g. `https://api.mch.weixin.qq.com`.
        public var baseURL: String
        /// `mchid`.
        public var merchantId: String
        /// `appid`.
        public var appId: String
        public var privateKeyFile: String
        /// Our merchant API certificate; its serial (hex) is `serial_no`.
        public var certificateFile: String
        /// Exactly 32 printable ASCII characters; the file is private like a key.
        public var apiV3KeyFile: String
        public var verificationKeys: [VerificationKeyFile]

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url"
            case merchantId = "merchant_id"
            case appId = "app_id"
            case privateKeyFile = "private_key_file"
            case certificateFile = "certificate_file"
            case apiV3KeyFile = "api_v3_key_file"
            case verificationKeys = "verification_keys"
        }

        public init(
            baseURL: String, merchantId: String, appId: String, privateKeyFile: String, certificateFile: String,
            apiV3KeyFile: String, verificationKeys: [VerificationKeyFile]
        ) {
            self.baseURL = baseURL
            self.merchantId = merchantId
            self.appId = appId
            self.privateKeyFile = privateKeyFile
            self.certificateFile = certificateFile
            self.apiV3KeyFile = apiV3KeyFile
            self.verificationKeys = verificationKeys
        }
    }

    public struct UnionPay: Sendable, Codable {
        /// E.g. `https://gateway.95516.com/gateway/api`.
        public var baseURL: String
        /// `merId`.
        public var merchantId: String
        public var privateKeyFile: String
        /// Our signing certificate; its decimal serial is `certId`.
        public var certificateFile: String
        public var verificationKeys: [VerificationKeyFile]

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url"
            case merchantId = "merchant_id"
            case privateKeyFile = "private_key_file"
            case certificateFile = "certificate_file"
            case verificationKeys = "verification_keys"
        }

        public init(
            baseURL: String, merchantId: String, privateKeyFile: String, certificateFile: String, verificationKeys: [VerificationKeyFile]
        ) {
            self.baseURL = baseURL
            self.merchantId = merchantId
            self.privateKeyFile = privateKeyFile
            self.certificateFile = certificateFile
            self.verificationKeys = verificationKeys
        }
    }

    enum CodingKeys: String, CodingKey {
        case caFile = "ca_file"
        case callbackBaseURL = "callback_base_url"
        case connectTimeoutMilliseconds = "connect_timeout_milliseconds"
        case totalTimeoutMilliseconds = "total_timeout_milliseconds"
        case verificationKeyGraceSeconds = "verification_key_grace_seconds"
        case feeBasisPoints = "fee_basis_points"
        case alipay, wechatpay, unionpay
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        caFile = try c.decode(String.self, forKey: .caFile)
        callbackBaseURL = try c.decode(String.self, forKey: .callbackBaseURL)
        connectTimeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .connectTimeoutMilliseconds) ?? 3000
        totalTimeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .totalTimeoutMilliseconds) ?? 5000
        verificationKeyGraceSeconds = try c.decodeIfPresent(Int64.self, forKey: .verificationKeyGraceSeconds) ?? 86_400
        feeBasisPoints = try c.decodeIfPresent([String: Int].self, forKey: .feeBasisPoints) ?? [:]
        alipay = try c.decode(Alipay.self, forKey: .alipay)
        wechatpay = try c.decode(WeChatPay.self, forKey: .wechatpay)
        unionpay = try c.decode(UnionPay.self, forKey: .unionpay)
    }

    /// Limits that agree, every file named by an absolute path, every URL https, and per channel
    /// exactly one current verification key with any previous ones dated.
    public func validate() throws {
        guard connectTimeoutMilliseconds > 0, totalTimeoutMilliseconds > connectTimeoutMilliseconds else {
            throw ConfigurationError("channels: connect_timeout_milliseconds must be > 0 and < total_timeout_milliseconds")
        }
        guard verificationKeyGraceSeconds >= 0 else {
            throw ConfigurationError("channels: verification_key_grace_seconds must be >= 0")
        }
        for (name, basisPoints) in feeBasisPoints {
            guard Channel(rawValue: name) != nil, (0...ChannelFee.basisPointsMax).contains(basisPoints) else {
                throw ConfigurationError(
                    "channels.fee_basis_points: \(name) must be a channel with 0 to \(ChannelFee.basisPointsMax) basis points")
            }
        }
        try Self.requireFile(caFile, "channels.ca_file")
        try Self.requireHTTPS(callbackBaseURL, "channels.callback_base_url")

        try Self.requireHTTPS(alipay.baseURL, "channels.alipay.base_url")
        try Self.requireId(alipay.appId, "channels.alipay.app_id")
        try Self.requireFile(alipay.privateKeyFile, "channels.alipay.private_key_file")
        try Self.requireKeys(alipay.verificationKeys, "channels.alipay.verification_keys")

        try Self.requireHTTPS(wechatpay.baseURL, "channels.wechatpay.base_url")
        try Self.requireId(wechatpay.merchantId, "channels.wechatpay.merchant_id")
        try Self.requireId(wechatpay.appId, "channels.wechatpay.app_id")
        try Self.requireFile(wechatpay.privateKeyFile, "channels.wechatpay.private_key_file")
        try Self.requireFile(wechatpay.certificateFile, "channels.wechatpay.certificate_file")
        try Self.requireFile(wechatpay.apiV3KeyFile, "channels.wechatpay.api_v3_key_file")
        try Self.requireKeys(wechatpay.verificationKeys, "channels.wechatpay.verification_keys")

        try Self.requireHTTPS(unionpay.baseURL, "channels.unionpay.base_url")
        try Self.requireId(unionpay.merchantId, "channels.unionpay.merchant_id")
        try Self.requireFile(unionpay.privateKeyFile, "channels.unionpay.private_key_file")
        try Self.requireFile(unionpay.certificateFile, "channels.unionpay.certificate_file")
        try Self.requireKeys(unionpay.verificationKeys, "channels.unionpay.verification_keys")
    }

    /// The fee a channel charges on a payment (zero when not configured).
    public func fee(for channel: Channel) -> ChannelFee {
        ChannelFee(basisPoints: feeBasisPoints[channel.rawValue] ?? 0)
    }

    private static func requireFile(_ path: String, _ field: String) throws {
        // Every path in the configuration is absolute: the pool's working directory is not ours.
        guard path.hasPrefix("/") else {
            throw ConfigurationError("\(field) must name a file by its absolute path")
        }
    }

    private static func requireHTTPS(_ url: String, _ field: String) throws {
        guard url.hasPrefix("https://"), url.count > "https://".count else {
            throw ConfigurationError("\(field) must be an https:// URL")
        }
    }

    private static func requireId(_ id: String, _ field: String) throws {
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ConfigurationError("\(field) must be a non-empty id without spaces")
        }
    }

    private static func requireKeys(_ keys: [VerificationKeyFile], _ field: String) throws {
        guard (1...verificationKeyCountMax).contains(keys.count) else {
            throw ConfigurationError("\(field) must list 1 to \(verificationKeyCountMax) keys")
        }
        for key in keys {
            try requireFile(key.file, "\(field)[].file")
            if key.retiredAt != nil && key.retiredAtTimestamp == nil {
                throw ConfigurationError("\(field)[].retired_at must be an RFC 3339 time such as 2026-01-31T08:00:00Z")
            }
        }
        guard keys.filter({ $0.retiredAt == nil }).count == 1 else {
            throw ConfigurationError("\(field) must hold exactly one current key (without retired_at)")
        }
        guard Set(keys.map(\.file)).count == keys.count else {
            throw ConfigurationError("\(field) names a file twice")
        }
    }
}

extension Configuration {
    /// Each channel's fee, posted with a payment's success (`LedgerRules`); none without channels.
    public var channelFees: [Channel: ChannelFee] {
        guard let channels else { return [:] }
        return Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, channels.fee(for: $0)) })
    }
}
