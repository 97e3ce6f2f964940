import PaygateCore
import PaygateCrypto

/// One of a channel's verification keys for one account.
public struct VerificationKey: Sendable, CustomStringConvertible {
    /// WeChat Pay: the platform certificate's serial (hex); UnionPay: certId (decimal serial);
    /// Alipay: a label of our choosing, since Alipay names no key in what it signs.
    public let id: String
    public let publicKey: RSAPublicKey
    /// Nil for a current key. A retired key is accepted up to and including this instant, so
    /// answers and callbacks signed just before a rotation still verify during the grace period.
    public let acceptedUntil: Timestamp?
    /// The validity of the certificate the key came from; nil for a bare public key (Alipay's),
    /// which has none. Outside it the key verifies nothing, current or not.
    public let validity: CertificateValidity?

    public init(id: String, publicKey: RSAPublicKey, acceptedUntil: Timestamp? = nil, validity: CertificateValidity? = nil) {
        self.id = id
        self.publicKey = publicKey
        self.acceptedUntil = acceptedUntil
        self.validity = validity
    }

    /// Within its certificate's validity, and not past its grace if it was retired.
    public func isAccepted(at now: Timestamp) -> Bool {
        if let validity, !validity.contains(now) { return false }
        guard let acceptedUntil else { return true }
        return now <= acceptedUntil
    }

    /// The same key, retired: accepted until `acceptedUntil` (its certificate's end still applies).
    func retired(until acceptedUntil: Timestamp) -> VerificationKey {
        VerificationKey(id: id, publicKey: publicKey, acceptedUntil: acceptedUntil, validity: validity)
    }

    public var description: String {
        let validityText = validity.map { ", \($0)" } ?? ""
        return "VerificationKey(id: \(id), acceptedUntil: \(acceptedUntil?.rfc3339 ?? "current")\(validityText))"
    }
}

/// The verification keys of one channel account, with rotation: the new key becomes current
/// and the previous ones stay accepted for a grace period, so nothing signed in flight is lost.
public struct VerificationKeySet: Sendable, CustomStringConvertible {
    /// Rotations are rare; more keys than this means retired keys are never being dropped.
    public static let keyCountMax = 8

    /// How ids compare. WeChat Pay serials are hex whose case and leading zeros differ between
    /// the channel and its SDKs; UnionPay certIds and Alipay labels compare exactly.
    public enum IdentifierStyle: Sendable {
        case exact
        case hexSerial
    }

    public let style: IdentifierStyle
    public private(set) var keys: [VerificationKey]

    public init(style: IdentifierStyle, keys: [VerificationKey]) {
        precondition(!keys.isEmpty && keys.count <= Self.keyCountMax, "a key set holds 1...\(Self.keyCountMax) keys")
        let ids = keys.map { Self.normalized($0.id, style) }
        precondition(Set(ids).count == ids.count, "key ids in one set are unique")
        self.style = style
        self.keys = keys
    }

    /// Makes `newKey` current; every key that was current is retired and stays accepted until
    /// `now + graceSeconds`. Keys whose grace has already ended are dropped.
    public func rotated(to newKey: VerificationKey, now: Timestamp, graceSeconds: Int64) -> VerificationKeySet {
        precondition(graceSeconds >= 0, "a grace period is not negative")
        let retireAt = now.adding(seconds: graceSeconds)
        let newId = Self.normalized(newKey.id, style)
        let kept = keys.compactMap { key -> VerificationKey? in
            guard Self.normalized(key.id, style) != newId, key.isAccepted(at: now) else { return nil }
            return key.retired(until: key.acceptedUntil ?? retireAt)
        }
        let current = VerificationKey(id: newKey.id, publicKey: newKey.publicKey, validity: newKey.validity)
        return VerificationKeySet(style: style, keys: [current] + kept)
    }

    /// The key named `id` if it is still accepted at `now` (within its certificate's validity,
    /// and its grace if retired).
    public func key(id: String, now: Timestamp) -> VerificationKey? {
        let wanted = Self.normalized(id, style)
        return keys.first { Self.normalized($0.id, style) == wanted && $0.isAccepted(at: now) }
    }

    /// True when `signature` over `message` verifies under the key named `keyId`, or, when the
    /// channel names no key (`keyId == nil`), under any key still accepted at `now`.
    /// An unknown or retired id is false: trying other keys would hide a wrong or stale id.
    public func verify(signature: [UInt8], message: [UInt8], keyId: String?, now: Timestamp) -> Bool {
        if let keyId {
            guard let key = key(id: keyId, now: now) else { return false }
            return key.publicKey.verifySHA256(signature: signature, message: message)
        }
        return keys.contains { $0.isAccepted(at: now) && $0.publicKey.verifySHA256(signature: signature, message: message) }
    }

    public var description: String {
        "VerificationKeySet(\(keys.map(\.description).joined(separator: ", ")))"
    }

    private static func normalized(_ id: String, _ style: IdentifierStyle) -> String {
        switch style {
        case .exact:
            return id
        case .hexSerial:
            let digits = id.uppercased().drop { $0 == "0" }
            return digits.isEmpty ? "0" : String(digits)
        }
    }
}

extension VerificationKey {
    /// A WeChat Pay platform certificate: its id is the hex serial sent in `Wechatpay-Serial`.
    public static func weChatPayPlatform(_ certificate: X509Certificate, acceptedUntil: Timestamp? = nil) -> VerificationKey {
        VerificationKey(
            id: certificate.serialNumberHex, publicKey: certificate.publicKey, acceptedUntil: acceptedUntil,
            validity: CertificateValidity(certificate))
    }

    /// A UnionPay signing certificate: its id is the decimal serial sent as `certId`.
    public static func unionPaySigning(_ certificate: X509Certificate, acceptedUntil: Timestamp? = nil) -> VerificationKey {
        VerificationKey(
            id: certificate.serialNumberDecimal, publicKey: certificate.publicKey, acceptedUntil: acceptedUntil,
            validity: CertificateValidity(certificate))
    }
}
