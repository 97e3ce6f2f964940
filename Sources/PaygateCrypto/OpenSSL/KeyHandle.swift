import COpenSSL

/// Owns one `EVP_PKEY` and frees it when the last value holding it goes away.
///
/// `@unchecked Sendable` because the key is never changed after `init`, and OpenSSL 3 allows
/// concurrent signatures and verifications with one `EVP_PKEY` as long as each call has its own
/// `EVP_MD_CTX` (see `DigestContext`). Only RSA keys of an accepted size are ever wrapped.
final class KeyHandle: @unchecked Sendable {
    /// Below 2048 bits RSA is no longer considered safe; every channel here uses 2048.
    static let rsaBitCountMin = 2048
    /// Larger keys only slow every verification; no channel uses more than 4096 bits.
    static let rsaBitCountMax = 4096

    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (nil: the call that should have made it failed), or frees
    /// it and throws when it is not an RSA key of an accepted size.
    init(takingRSA pointer: OpaquePointer?, failure: CryptoError.Code, _ operation: String) throws(CryptoError) {
        guard let pointer else {
            throw OpenSSLErrorQueue.error(failure, "\(operation) failed")
        }
        // EVP_PKEY_is_a rejects RSA-PSS keys too: their padding is not PKCS#1 v1.5.
        guard EVP_PKEY_is_a(pointer, "RSA") == 1 else {
            EVP_PKEY_free(pointer)
            throw CryptoError(.keyTypeUnsupported, "\(operation): the key is not an RSA key")
        }
        let bitCount = Int(EVP_PKEY_get_bits(pointer))
        guard bitCount >= Self.rsaBitCountMin && bitCount <= Self.rsaBitCountMax else {
            EVP_PKEY_free(pointer)
            throw CryptoError(
                .keyTypeUnsupported,
                "\(operation): an RSA key of \(bitCount) bits is outside \(Self.rsaBitCountMin)...\(Self.rsaBitCountMax)")
        }
        self.pointer = pointer
    }

    deinit {
        // Clears private key material before releasing it.
        EVP_PKEY_free(pointer)
    }

    var bitCount: Int {
        Int(EVP_PKEY_get_bits(pointer))
    }

    /// Length of every signature: the modulus length in bytes.
    var signatureByteCount: Int {
        Int(EVP_PKEY_get_size(pointer))
    }

    /// The public half as DER SubjectPublicKeyInfo.
    func publicKeyDER() throws(CryptoError) -> [UInt8] {
        try MemoryBIO.writing(secure: false, "i2d_PUBKEY_bio") { bio in i2d_PUBKEY_bio(bio, pointer) }
    }
}
