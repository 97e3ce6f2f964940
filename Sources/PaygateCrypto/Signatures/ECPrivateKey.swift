import COpenSSL

/// An elliptic-curve key on P-256, the local stack's TLS keys: its CA's and nginx's server key.
/// Here it only signs certificates (`CertificateBuilder`); TLS itself is nginx's.
///
/// A `Sendable` value sharing one immutable `EVP_PKEY`. No textual form or mirror shows key
/// material; exporting the key is an explicit call that returns a `Secret`.
public struct ECPrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The one curve accepted: what browsers, curl and nginx all take, and what the stack used
    /// when `openssl genpkey` made these keys.
    public static let curveName = "P-256"
    /// What OpenSSL calls P-256 when it names a key's curve.
    static let openSSLGroupName = "prime256v1"
    /// Curve names are short; OpenSSL's longest is under 32 bytes.
    static let groupNameBytesMax = 64

    let handle: ECKeyHandle

    /// A fresh P-256 key from OpenSSL's CSPRNG.
    public static func generateP256() throws(CryptoError) -> ECPrivateKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw OpenSSLErrorQueue.error(.keyGenerationFailed, "EVP_PKEY_CTX_new_from_name(EC) failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, curveName) == 1 else {
            throw OpenSSLErrorQueue.error(.keyGenerationFailed, "setting up a \(curveName) key generation failed")
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_generate(context, &key) == 1 else {
            EVP_PKEY_free(key)
            throw OpenSSLErrorQueue.error(.keyGenerationFailed, "EVP_PKEY_generate failed")
        }
        return ECPrivateKey(handle: try ECKeyHandle(takingP256: key, failure: .keyGenerationFailed, "generating a \(curveName) key"))
    }

    init(handle: ECKeyHandle) {
        self.handle = handle
    }

    /// Reads the first private key of a PEM text kept as a `Secret` (PKCS#8 or SEC 1). Encrypted
    /// keys are refused (`keyUnreadable`); a key not on P-256 is `keyTypeUnsupported`.
    public init(pem: Secret) throws(CryptoError) {
        handle = try pem.withBytes { (bytes) throws(CryptoError) in
            try MemoryBIO.reading(bytes, failure: .keyUnreadable) { (bio) throws(CryptoError) in
                try ECKeyHandle(
                    takingP256: PEM_read_bio_PrivateKey(bio, nil, paygate_pem_no_password, nil),
                    failure: .keyUnreadable, "reading a PEM private key")
            }
        }
    }

    /// The key as PKCS#8 PEM (`BEGIN PRIVATE KEY`), unencrypted, for writing to a 0600 file.
    public func pemPKCS8() throws(CryptoError) -> Secret {
        let bytes = try MemoryBIO.writing(secure: true, "PEM_write_bio_PKCS8PrivateKey") { bio in
            PEM_write_bio_PKCS8PrivateKey(bio, handle.pointer, nil, nil, 0, nil, nil)
        }
        return Secret(bytes)
    }

    public var description: String {
        "ECPrivateKey(\(Self.curveName), <redacted>)"
    }

    public var debugDescription: String {
        description
    }

    public var customMirror: Mirror {
        Mirror(self, children: [], displayStyle: .struct)
    }
}

/// Owns one P-256 `EVP_PKEY` and frees it with the last value holding it. Never changed after
/// `init`, so it may be shared between threads, as `KeyHandle` is for RSA keys.
final class ECKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (nil: the call that should have made it failed), or frees
    /// it and throws when it is not a P-256 key.
    init(takingP256 pointer: OpaquePointer?, failure: CryptoError.Code, _ operation: String) throws(CryptoError) {
        guard let pointer else {
            throw OpenSSLErrorQueue.error(failure, "\(operation) failed")
        }
        guard EVP_PKEY_is_a(pointer, "EC") == 1, Self.groupName(pointer) == ECPrivateKey.openSSLGroupName else {
            EVP_PKEY_free(pointer)
            throw CryptoError(.keyTypeUnsupported, "\(operation): the key is not an EC key on \(ECPrivateKey.curveName)")
        }
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// OpenSSL's name for the key's curve ("prime256v1" for P-256), or "" when it has none.
    private static func groupName(_ pointer: OpaquePointer) -> String {
        var name = [CChar](repeating: 0, count: ECPrivateKey.groupNameBytesMax)
        var length = 0
        guard EVP_PKEY_get_group_name(pointer, &name, name.count, &length) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            return ""
        }
        return String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
