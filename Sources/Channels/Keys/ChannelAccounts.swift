import PaygateCrypto

/// What the Alipay connector needs for one Alipay app. No textual form shows a key.
public struct AlipayAccount: Sendable, CustomStringConvertible {
    public var appId: String
    /// The gateway endpoint every method is posted to, e.g. `https://openapi.alipay.com/gateway.do`.
    public var gatewayURL: String
    /// Our application private key (RSA2 signs every request).
    public var privateKey: RSAPrivateKey
    /// Alipay's public keys. Alipay names no key in what it signs, so all accepted ones are tried.
    public var alipayKeys: VerificationKeySet

    public init(appId: String, gatewayURL: String, privateKey: RSAPrivateKey, alipayKeys: VerificationKeySet) {
        self.appId = appId; self.gatewayURL = gatewayURL; self.privateKey = privateKey; self.alipayKeys = alipayKeys
    }

    public var description: String { "AlipayAccount(appId: \(appId), gatewayURL: \(gatewayURL), keys: <redacted>)" }
}

/// What the WeChat Pay (API v3) connector needs for one merchant. No textual form shows a key.
public struct WeChatPayAccount: Sendable, CustomStringConvertible {
    /// AES-256-GCM keys are 32 bytes; the APIv3 key is 32 ASCII characters used as bytes.
    public static let apiV3KeyByteCount = 32

    public var merchantId: String
    public var appId: String
    /// Serial (hex) of our merchant API certificate, sent as `serial_no` with every request.
    public var merchantCertificateSerial: String
    public var privateKey: RSAPrivateKey
    /// WeChat Pay platform keys, named by certificate serial in `Wechatpay-Serial`.
    public var platformKeys: VerificationKeySet
    /// Decrypts callback resources. Exactly `apiV3KeyByteCount` bytes (checked at init).
    public var apiV3Key: Secret
    /// E.g. `https://api.mch.weixin.qq.com`, without a trailing slash.
    public var baseURL: String

    public init(
        merchantId: String, appId: String, merchantCertificateSerial: String, privateKey: RSAPrivateKey,
        platformKeys: VerificationKeySet, apiV3Key: Secret, baseURL: String
    ) throws(ChannelError) {
        guard apiV3Key.count == Self.apiV3KeyByteCount else {
            throw ChannelError(.unsupported, "the APIv3 key must be \(Self.apiV3KeyByteCount) bytes, it is \(apiV3Key.count)")
        }
        self.merchantId = merchantId; self.appId = appId; self.merchantCertificateSerial = merchantCertificateSerial
        self.privateKey = privateKey; self.platformKeys = platformKeys; self.apiV3Key = apiV3Key
        self.baseURL = String(baseURL.reversed().drop { $0 == "/" }.reversed())
    }

    public var description: String {
        "WeChatPayAccount(merchantId: \(merchantId), appId: \(appId), serial: \(merchantCertificateSerial), baseURL: \(baseURL), keys: <redacted>)"
    }
}

/// What the UnionPay connector needs for one merchant. No textual form shows a key.
public struct UnionPayAccount: Sendable, CustomStringConvertible {
    public var merchantId: String
    /// certId (decimal serial) of our signing certificate, sent with every request.
    public var signingCertificateId: String
    public var privateKey: RSAPrivateKey
    /// UnionPay's signing keys, named by the certId in each answer and callback.
    public var verificationKeys: VerificationKeySet
    /// E.g. `https://gateway.95516.com/gateway/api`, without a trailing slash.
    public var baseURL: String

    public init(
        merchantId: String, signingCertificateId: String, privateKey: RSAPrivateKey, verificationKeys: VerificationKeySet, baseURL: String
    ) {
        self.merchantId = merchantId; self.signingCertificateId = signingCertificateId; self.privateKey = privateKey
        self.verificationKeys = verificationKeys
        self.baseURL = String(baseURL.reversed().drop { $0 == "/" }.reversed())
    }

    public var description: String {
        "UnionPayAccount(merchantId: \(merchantId), certId: \(signingCertificateId), baseURL: \(baseURL), keys: <redacted>)"
    }
}
