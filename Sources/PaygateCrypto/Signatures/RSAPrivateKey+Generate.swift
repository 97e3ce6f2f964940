import COpenSSL

extension RSAPrivateKey {
    /// A fresh key with public exponent 65537, for tests and the local stack's channel
    /// accounts; production keys come from the channels. `bits` must lie in
    /// `bitCountMin...bitCountMax`; anything else is a programmer error. 2048 bits takes
    /// around 0.1 to 1 s, with a wide spread because finding primes is random.
    public static func generate(bits: Int) throws(CryptoError) -> RSAPrivateKey {
        precondition(bits >= bitCountMin && bits <= bitCountMax && bits % 8 == 0, "RSA key size \(bits) not allowed")
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw OpenSSLErrorQueue.error(.keyGenerationFailed, "EVP_PKEY_CTX_new_from_name(RSA) failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else {
            throw OpenSSLErrorQueue.error(.keyGenerationFailed, "EVP_PKEY_keygen_init failed")
        }
        guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1 else {
            throw OpenSSLErrorQueue.error(.keyGenerationFailed, "setting the RSA key size failed")
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_generate(context, &key) == 1 else {
            EVP_PKEY_free(key)
            throw OpenSSLErrorQueue.error(.keyGenerationFailed, "EVP_PKEY_generate failed")
        }
        return RSAPrivateKey(handle: try KeyHandle(takingRSA: key, failure: .keyGenerationFailed, "generating an RSA key"))
    }
}
