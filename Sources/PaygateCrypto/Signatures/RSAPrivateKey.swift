import COpenSSL

/// An RSA private key for SHA256withRSA signatures (RSASSA-PKCS1-v1_5 with SHA-256): Alipay
/// RSA2, WeChat Pay v3 request signatures and UnionPay RSA-SHA256.
///
/// A `Sendable` value: copies share one immutable `EVP_PKEY`, and every signature makes its own
/// OpenSSL context, so one key may sign on every thread at once. No textual form or mirror
/// shows key material; only the size is shown. Exporting the key is an explicit call that
/// returns a `Secret`.
public struct RSAPrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let bitCountMin = KeyHandle.rsaBitCountMin
    public static let bitCountMax = KeyHandle.rsaBitCountMax

    let handle: KeyHandle

    init(handle: KeyHandle) {
        self.handle = handle
    }

    /// Reads the first private key of a PEM text: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`). Encrypted keys are refused (`keyUnreadable`) rather than
    /// prompting for a password; a key that is not RSA or of the wrong size is `keyTypeUnsupported`.
    public init(pem: [UInt8]) throws(CryptoError) {
        handle = try Self.readPEM(pem)
    }

    public init(pem: String) throws(CryptoError) {
        try self.init(pem: Array(pem.utf8))
    }

    /// A PEM text kept as a `Secret`, as a key store holds it.
    public init(pem: Secret) throws(CryptoError) {
        handle = try pem.withBytes { (bytes) throws(CryptoError) in try Self.readPEM(bytes) }
    }

    private static func readPEM(_ pem: [UInt8]) throws(CryptoError) -> KeyHandle {
        try MemoryBIO.reading(pem, failure: .keyUnreadable) { (bio) throws(CryptoError) in
            try KeyHandle(
                takingRSA: PEM_read_bio_PrivateKey(bio, nil, paygate_pem_no_password, nil),
                failure: .keyUnreadable, "reading a PEM private key")
        }
    }

    /// Reads a DER private key, PKCS#8 or PKCS#1: what a channel's bare base64 key text
    /// (Alipay's "应用私钥") decodes to. Trailing bytes after the key are refused.
    public init(der: [UInt8]) throws(CryptoError) {
        guard !der.isEmpty && der.count <= MemoryBIO.inputBytesMax else {
            throw CryptoError(.keyUnreadable, "a DER private key of \(der.count) bytes is outside 1...\(MemoryBIO.inputBytesMax)")
        }
        handle = try der.withUnsafeBufferPointer { (buffer) throws(CryptoError) in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let key = d2i_AutoPrivateKey(nil, &cursor, buffer.count)
            let handle = try KeyHandle(takingRSA: key, failure: .keyUnreadable, "reading a DER private key")
            guard cursor == buffer.baseAddress! + buffer.count else {
                throw CryptoError(.keyUnreadable, "reading a DER private key: bytes follow the key")
            }
            return handle
        }
    }

    /// Size of the modulus, for example 2048.
    public var bitCount: Int {
        handle.bitCount
    }

    /// The matching public key, holding no private material.
    public var publicKey: RSAPublicKey {
        // Re-reading our own public half can only fail if memory runs out.
        do {
            return try RSAPublicKey(der: handle.publicKeyDER())
        } catch {
            preconditionFailure("cannot derive the public key: \(error)")
        }
    }

    /// The SHA256withRSA (RSASSA-PKCS1-v1_5) signature of `message`, exactly `bitCount / 8`
    /// bytes. PKCS#1 v1.5 is deterministic: one key and message always give the same bytes.
    public func signSHA256(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let context = try DigestContext(failure: .signFailed)
        try context.startRSASHA256(key: handle.pointer, signing: true, failure: .signFailed)
        var signature = [UInt8](repeating: 0, count: handle.signatureByteCount)
        var signatureLength = signature.count
        let status = withNonNullBytes(message) { messageBytes, messageCount in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context.pointer, output.baseAddress, &signatureLength, messageBytes, messageCount)
            }
        }
        guard status == 1 else {
            throw OpenSSLErrorQueue.error(.signFailed, "EVP_DigestSign failed")
        }
        precondition(signatureLength == signature.count, "an RSA signature is as long as the modulus")
        return signature
    }

    /// The key as PKCS#8 PEM (`BEGIN PRIVATE KEY`), unencrypted, for writing to a 0600 file.
    public func pemPKCS8() throws(CryptoError) -> Secret {
        let bytes = try MemoryBIO.writing(secure: true, "PEM_write_bio_PKCS8PrivateKey") { bio in
            PEM_write_bio_PKCS8PrivateKey(bio, handle.pointer, nil, nil, 0, nil, nil)
        }
        return Secret(bytes)
    }

    public var description: String {
        "RSAPrivateKey(\(bitCount) bits, <redacted>)"
    }

    public var debugDescription: String {
        description
    }

    public var customMirror: Mirror {
        Mirror(self, children: [], displayStyle: .struct)
    }
}
