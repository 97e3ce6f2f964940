import PaygateCore

/// The files of one channel account in ROOT/channels/CHANNEL: both sides, because the local
/// sandbox plays the channel. RSA 2048, PKCS#8 PEM; certificates self-signed.
///
///     merchant.key  merchant.pub|pem    our key (paygate signs; sealed); Alipay: a bare public key,
///                                       WeChat Pay and UnionPay: a certificate whose serial is
///                                       `serial_no` (hex) or `certId` (decimal)
///     platform.key  platform.pub|pem    the channel's key (the sandbox signs)
///     apiv3.key                         WeChat Pay only: 32 letters and digits, no newline; our
///                                       copy, sealed under the master key (`SealedKeyFile`)
///     sandbox-apiv3.key                 the same key, the channel's copy (the sandbox reads it)
///     platform-previous.key .pub|pem    after a rotation: the key before, still accepted for
///     platform-previous.retired-at      the grace period after this RFC 3339 UTC time
public struct ChannelFiles: Sendable {
    public enum Role: String, Sendable, CaseIterable {
        /// Our side of the account.
        case merchant
        /// The channel's side.
        case platform
        /// The platform key before the last rotation.
        case platformPrevious = "platform-previous"
    }

    public let channel: Channel
    public let directory: String

    public init(layout: StackLayout, channel: Channel) {
        self.channel = channel
        self.directory = layout.channelsDirectory + "/" + channel.rawValue
    }

    /// Alipay publishes bare public keys; WeChat Pay and UnionPay name keys by certificate serial.
    public var hasCertificates: Bool { channel != .alipay }

    public func privateKey(_ role: Role) -> String { directory + "/" + role.rawValue + ".key" }
    public func publicHalf(_ role: Role) -> String { directory + "/" + role.rawValue + (hasCertificates ? ".pem" : ".pub") }
    public var apiV3Key: String { directory + "/apiv3.key" }
    public var sandboxAPIV3Key: String { directory + "/sandbox-apiv3.key" }
    public var previousRetiredAt: String { directory + "/platform-previous.retired-at" }

    /// Bytes of a new certificate's serial: WeChat Pay serials are long hex strings; UnionPay
    /// certIds are decimal numbers that fit 64 bits.
    var serialNumberBytes: Int { channel == .wechatpay ? 16 : 8 }
}
