import COpenSSL

/// An RSA public key that checks SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256) signatures:
/// Alipay's and UnionPay's callbacks and WeChat Pay's platform signatures.
///
/// A `Sendable` value sharing one immutable `EVP_PKEY`; every verification makes its own
/// OpenSSL context, so one key may verify on every thread at once.
public struct RSAPublicKey: Sendable, Equatable, CustomStringConvertible {
    public static let bitCountMin = KeyHandle.rsaBitCountMin
    public static let bitCountMax = KeyHandle.rsaBitCountMax

    let handle: KeyHandle

    init(handle: KeyHandle) {
        self.handle = handle
    }

    /// Reads the first SubjectPublicKeyInfo of a PEM text (`BEGIN PUBLIC KEY`). For a key
    /// inside a certificate, use `init(certificatePEM:)` or `X509Certificate.publicKey`.
    public init(pem: [UInt8]) throws(CryptoError) {
        handle = try MemoryBIO.reading(pem, failure: .keyUnreadable) { (bio) throws(CryptoError) in
            try KeyHandle(takingRSA: PEM_read_bio_PUBKEY(bio, nil, nil, nil), failure: .keyUnreadable, "reading a PEM public key")
        }
    }

    public init(pem: String) throws(CryptoError) {
        try self.init(pem: Array(pem.utf8))
    }

    /// The key of an X.509 certificate in PEM (`BEGIN CERTIFICATE`). The certificate's dates
    /// and issuer are not judged here; `X509Certificate` exposes them.
    public init(certificatePEM: String) throws(CryptoError) {
        self = try X509Certificate(pem: certificatePEM).publicKey
    }

    /// Reads a DER SubjectPublicKeyInfo: what a channel's bare base64 public key text (Alipay's
    /// "支付宝公钥") decodes to. Trailing bytes after the key are refused.
    public init(der: [UInt8]) throws(CryptoError) {
        guard !der.isEmpty && der.count <= MemoryBIO.inputBytesMax else {
            throw CryptoError(.keyUnreadable, "a DER public key of \(der.count) bytes is outside 1...\(MemoryBIO.inputBytesMax)")
        }
        handle = try der.withUnsafeBufferPointer { (buffer) throws(CryptoError) in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let handle = try KeyHandle(
                takingRSA: d2i_PUBKEY(nil, &cursor, buffer.count), failure: .keyUnreadable, "reading a DER public key")
            guard cursor == buffer.baseAddress! + buffer.count else {
                throw CryptoError(.keyUnreadable, "reading a DER public key: bytes follow the key")
            }
            return handle
        }
    }

    /// Size of the modulus, for example 2048.
    public var bitCount: Int {
        handle.bitCount
    }

    /// True only when `signature` is a valid SHA256withRSA signature of `message` under this
    /// key. Only a return of 1 from `EVP_DigestVerify` counts: 0 (mismatch) and negative
    /// values (malformed input, internal failure) are both false.
    public func verifySHA256(signature: [UInt8], message: [UInt8]) -> Bool {
        // A PKCS#1 v1.5 signature is exactly as long as the modulus; anything else is forged.
        guard signature.count == handle.signatureByteCount else {
            return false
        }
        do {
            let context = try DigestContext(failure: .signFailed)
            try context.startRSASHA256(key: handle.pointer, signing: false, failure: .signFailed)
            let status = withNonNullBytes(message) { messageBytes, messageCount in
                signature.withUnsafeBufferPointer { signatureBytes in
                    EVP_DigestVerify(context.pointer, signatureBytes.baseAddress, signatureBytes.count, messageBytes, messageCount)
                }
            }
            if status != 1 {
                // A failed check queues an error; leave none behind for an unrelated later call.
                _ = OpenSSLErrorQueue.drain()
            }
            return status == 1
        } catch {
            return false
        }
    }

    /// The key as PEM SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`).
    public func pemSPKI() throws(CryptoError) -> String {
        let bytes = try MemoryBIO.writing(secure: false, "PEM_write_bio_PUBKEY") { bio in PEM_write_bio_PUBKEY(bio, handle.pointer) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The key as DER SubjectPublicKeyInfo; its base64 is the bare key text channels publish.
    public func derSPKI() throws(CryptoError) -> [UInt8] {
        try handle.publicKeyDER()
    }

    /// Same modulus and exponent.
    public static func == (left: RSAPublicKey, right: RSAPublicKey) -> Bool {
        left.handle === right.handle || EVP_PKEY_eq(left.handle.pointer, right.handle.pointer) == 1
    }

    public var description: String {
        "RSAPublicKey(\(bitCount) bits)"
    }
}
