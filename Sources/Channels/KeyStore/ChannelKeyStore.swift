import PaygateCore
import PaygateCrypto

/// The channel accounts of one gateway, read from the files the `channels` configuration
/// names: the one place keys are loaded. Built once at start-up (and again on a
/// reload, which is how a rotation reaches a running pool) and passed to the connectors.
///
/// A retired verification key stays accepted until its `retired_at` plus
/// `verification_key_grace_seconds`, so callbacks signed just before a rotation still verify.
/// No textual form shows key material, and no error carries it.
public struct ChannelKeyStore: Sendable, CustomStringConvertible {
    public let alipay: AlipayAccount
    public let weChatPay: WeChatPayAccount
    public let unionPay: UnionPayAccount

    public init(alipay: AlipayAccount, weChatPay: WeChatPayAccount, unionPay: UnionPayAccount) {
        self.alipay = alipay
        self.weChatPay = weChatPay
        self.unionPay = unionPay
    }

    /// Reads every file, checks that each account hangs together, and refuses every certificate
    /// (ours, the channel's current and retired ones) that is not valid at `now`. A certificate
    /// that expires after the load stops verifying at its notAfter (`VerificationKey.validity`).
    /// Our private keys and the APIv3 key may be sealed under the master key (`SealedKeyFile`):
    /// `masterKeys` opens them; plain files are read as they are.
    public static func load(
        configuration: ChannelsConfiguration, now: Timestamp, masterKeys: KeyRing? = nil
    ) throws(KeyStoreError) -> ChannelKeyStore {
        let grace = configuration.verificationKeyGraceSeconds
        guard grace >= 0 else {
            throw KeyStoreError(.accountInvalid, "channels.verification_key_grace_seconds is negative")
        }
        return ChannelKeyStore(
            alipay: try loadAlipay(configuration.alipay, graceSeconds: grace, masterKeys: masterKeys),
            weChatPay: try loadWeChatPay(configuration.wechatpay, graceSeconds: grace, now: now, masterKeys: masterKeys),
            unionPay: try loadUnionPay(configuration.unionpay, graceSeconds: grace, now: now, masterKeys: masterKeys))
    }

    public var description: String {
        "ChannelKeyStore(\(alipay), \(weChatPay), \(unionPay))"
    }

    private static func loadAlipay(
        _ account: ChannelsConfiguration.Alipay, graceSeconds: Int64, masterKeys: KeyRing?
    ) throws(KeyStoreError) -> AlipayAccount {
        let field = "channels.alipay"
        let keys = try verificationKeys(account.verificationKeys, style: .exact, graceSeconds: graceSeconds, field: field) {
            (path, field) throws(KeyStoreError) in
            let publicKey = try readPublicKey(path, field: field)
            return VerificationKey(id: alipayKeyId(publicKey), publicKey: publicKey)
        }
        return AlipayAccount(
            appId: account.appId, gatewayURL: account.baseURL,
            privateKey: try readPrivateKey(account.privateKeyFile, field: "\(field).private_key_file", masterKeys: masterKeys),
            alipayKeys: keys)
    }

    private static func loadWeChatPay(
        _ account: ChannelsConfiguration.WeChatPay, graceSeconds: Int64, now: Timestamp, masterKeys: KeyRing?
    ) throws(KeyStoreError) -> WeChatPayAccount {
        let field = "channels.wechatpay"
        let (privateKey, certificate) = try readSigningPair(
            account.privateKeyFile, account.certificateFile, field: field, now: now, masterKeys: masterKeys)
        let keys = try verificationKeys(account.verificationKeys, style: .hexSerial, graceSeconds: graceSeconds, field: field) {
            (path, field) throws(KeyStoreError) in
            VerificationKey.weChatPayPlatform(try readCertificate(path, field: field, now: now))
        }
        let apiV3Key = try readAPIV3Key(account.apiV3KeyFile, field: "\(field).api_v3_key_file", masterKeys: masterKeys)
        do {
            return try WeChatPayAccount(
                merchantId: account.merchantId, appId: account.appId, merchantCertificateSerial: certificate.serialNumberHex,
                privateKey: privateKey, platformKeys: keys, apiV3Key: apiV3Key, baseURL: account.baseURL)
        } catch {
            throw KeyStoreError(.apiV3KeyInvalid, "\(field).api_v3_key_file: \(error.message)")
        }
    }

    private static func loadUnionPay(
        _ account: ChannelsConfiguration.UnionPay, graceSeconds: Int64, now: Timestamp, masterKeys: KeyRing?
    ) throws(KeyStoreError) -> UnionPayAccount {
        let field = "channels.unionpay"
        let (privateKey, certificate) = try readSigningPair(
            account.privateKeyFile, account.certificateFile, field: field, now: now, masterKeys: masterKeys)
        let keys = try verificationKeys(account.verificationKeys, style: .exact, graceSeconds: graceSeconds, field: field) {
            (path, field) throws(KeyStoreError) in
            VerificationKey.unionPaySigning(try readCertificate(path, field: field, now: now))
        }
        return UnionPayAccount(
            merchantId: account.merchantId, signingCertificateId: certificate.serialNumberDecimal, privateKey: privateKey,
            verificationKeys: keys, baseURL: account.baseURL)
    }

    /// Alipay names no key in what it signs, so its keys get a label of ours: a fingerprint of
    /// the public key, which stays the same across reloads and differs between keys.
    static func alipayKeyId(_ publicKey: RSAPublicKey) -> String {
        let der = (try? publicKey.derSPKI()) ?? []
        return "sha256:" + String(SHA256Digest.hexHash(der).prefix(alipayKeyIdHexDigits))
    }

    /// 64 bits of the fingerprint: unique among the few keys of one account.
    static let alipayKeyIdHexDigits = 16

    private static func readSigningPair(
        _ keyPath: String, _ certificatePath: String, field: String, now: Timestamp, masterKeys: KeyRing?
    ) throws(KeyStoreError) -> (RSAPrivateKey, X509Certificate) {
        let privateKey = try readPrivateKey(keyPath, field: "\(field).private_key_file", masterKeys: masterKeys)
        let certificate = try readCertificate(certificatePath, field: "\(field).certificate_file", now: now)
        // A mismatched pair would make the channel refuse every request, far from the cause.
        guard privateKey.publicKey == certificate.publicKey else {
            throw KeyStoreError(.accountInvalid, "\(field): private_key_file does not match certificate_file")
        }
        return (privateKey, certificate)
    }
}
