import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An X.509 certificate with an RSA key: a channel's platform certificate (WeChat Pay), a
/// signing certificate (UnionPay), or one we made for the local stack.
///
/// The fields channels refer to are read once when the certificate is loaded, so reading them
/// later cannot fail. A `Sendable` value: copies share one immutable `X509`.
public struct X509Certificate: Sendable {
    /// Serial number as upper-case hex, whole bytes: no leading zeros except one `0` when the
    /// first byte is below 0x10 (as `openssl x509 -serial` prints it). This is the form of
    /// WeChat Pay's `Wechatpay-Serial`; compare with `serialNumberMatches(hex:)`, which also
    /// accepts lower case and a dropped leading zero.
    public let serialNumberHex: String
    /// Serial number in decimal: UnionPay's `certId`.
    public let serialNumberDecimal: String
    /// Start and end of validity, in Unix seconds.
    public let notBeforeUnixSeconds: Int64
    public let notAfterUnixSeconds: Int64
    /// The certificate's RSA key; certificates with other key types are refused on load.
    public let publicKey: RSAPublicKey

    let handle: CertificateHandle

    /// Reads the first certificate of a PEM text (`BEGIN CERTIFICATE`). Fails with
    /// `certificateUnreadable`, or `keyTypeUnsupported` when its key is not an accepted RSA key.
    public init(pem: [UInt8]) throws(CryptoError) {
        let handle = try MemoryBIO.reading(pem, failure: .certificateUnreadable) { (bio) throws(CryptoError) in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw OpenSSLErrorQueue.error(.certificateUnreadable, "reading a PEM certificate failed")
            }
            return CertificateHandle(certificate)
        }
        let certificate = handle.pointer
        self.handle = handle
        publicKey = RSAPublicKey(
            handle: try KeyHandle(takingRSA: X509_get_pubkey(certificate), failure: .certificateUnreadable, "reading the certificate's key")
        )
        (serialNumberHex, serialNumberDecimal) = try Self.serialNumberTexts(certificate)
        notBeforeUnixSeconds = try Self.unixSeconds(X509_get0_notBefore(certificate), "notBefore")
        notAfterUnixSeconds = try Self.unixSeconds(X509_get0_notAfter(certificate), "notAfter")
    }

    public init(pem: String) throws(CryptoError) {
        try self.init(pem: Array(pem.utf8))
    }

    /// The certificate as PEM (`BEGIN CERTIFICATE`).
    public func pem() throws(CryptoError) -> String {
        let bytes = try MemoryBIO.writing(secure: false, "PEM_write_bio_X509") { bio in PEM_write_bio_X509(bio, handle.pointer) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when the certificate's signature verifies under `issuerKey`; for a self-signed
    /// certificate, its own `publicKey`. Dates are not checked here.
    public func isSigned(by issuerKey: RSAPublicKey) -> Bool {
        let status = X509_verify(handle.pointer, issuerKey.handle.pointer)
        if status != 1 {
            _ = OpenSSLErrorQueue.drain()
        }
        return status == 1
    }

    /// True when `hex` names this certificate's serial number, ignoring case and leading
    /// zeros: channels and their SDKs disagree on both.
    public func serialNumberMatches(hex: String) -> Bool {
        Self.normalizedHex(hex) == Self.normalizedHex(serialNumberHex)
    }

    /// True when `unixSeconds` lies within notBefore...notAfter.
    public func isValid(atUnixSeconds unixSeconds: Int64) -> Bool {
        notBeforeUnixSeconds <= unixSeconds && unixSeconds <= notAfterUnixSeconds
    }

    private static func normalizedHex(_ text: String) -> String {
        let digits = text.uppercased().drop { $0 == "0" }
        return digits.isEmpty ? "0" : String(digits)
    }

    private static func serialNumberTexts(_ certificate: OpaquePointer) throws(CryptoError) -> (String, String) {
        guard let number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nil) else {
            throw OpenSSLErrorQueue.error(.certificateUnreadable, "reading the serial number failed")
        }
        defer { BN_free(number) }
        // BN_bn2hex writes whole bytes in upper case; BN_bn2dec plain decimal.
        guard let hex = BN_bn2hex(number), let decimal = BN_bn2dec(number) else {
            throw OpenSSLErrorQueue.error(.certificateUnreadable, "formatting the serial number failed")
        }
        defer {
            paygate_openssl_free(hex)
            paygate_openssl_free(decimal)
        }
        return (String(cString: hex), String(cString: decimal))
    }

    private static func unixSeconds(_ time: UnsafePointer<ASN1_TIME>?, _ field: String) throws(CryptoError) -> Int64 {
        var fields = tm()
        guard let time, ASN1_TIME_to_tm(time, &fields) == 1 else {
            throw OpenSSLErrorQueue.error(.certificateUnreadable, "reading \(field) failed")
        }
        // ASN1_TIME_to_tm yields UTC fields; timegm reads them as UTC whatever TZ says.
        return Int64(timegm(&fields))
    }
}

/// Owns one `X509` and frees it with the last value holding it. Never changed after it is
/// made, so sharing it between threads is safe (`X509_verify` and the getters only read).
final class CertificateHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }
}
