import COpenSSL

/// Owns one `EVP_MD_CTX` for one signature or verification.
///
/// A context per call is what lets one `EVP_PKEY` be shared by every thread: OpenSSL 3 keeps
/// all per-operation state in the context (and the `EVP_PKEY_CTX` it creates), never in the key.
final class DigestContext {
    let pointer: OpaquePointer

    init(failure: CryptoError.Code) throws(CryptoError) {
        guard let pointer = EVP_MD_CTX_new() else {
            throw OpenSSLErrorQueue.error(failure, "EVP_MD_CTX_new failed")
        }
        self.pointer = pointer
    }

    deinit {
        // Also frees the EVP_PKEY_CTX that EVP_DigestSignInit / EVP_DigestVerifyInit created.
        EVP_MD_CTX_free(pointer)
    }

    /// Starts a SHA-256 RSASSA-PKCS1-v1_5 signature or verification with `key`. The padding is
    /// set explicitly rather than left to the key type's default, so no other scheme is ever used.
    func startRSASHA256(key: OpaquePointer, signing: Bool, failure: CryptoError.Code) throws(CryptoError) {
        var keyContext: OpaquePointer? = nil
        // OpenSSL 3.0 passes the digest to the provider by name, so the fetched SHA-256 saves
        // the lookup here only; the private-key operation dwarfs the provider's own lookup.
        let status =
            signing
            ? EVP_DigestSignInit(pointer, &keyContext, Algorithms.shared.sha256, nil, key)
            : EVP_DigestVerifyInit(pointer, &keyContext, Algorithms.shared.sha256, nil, key)
        guard status == 1, let keyContext else {
            throw OpenSSLErrorQueue.error(failure, signing ? "EVP_DigestSignInit failed" : "EVP_DigestVerifyInit failed")
        }
        guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else {
            throw OpenSSLErrorQueue.error(failure, "setting PKCS#1 v1.5 padding failed")
        }
    }
}

/// Lends `body` a non-NULL pointer to the bytes, even when there are none, because a few
/// OpenSSL entry points treat NULL as "no input given" rather than "empty input".
func withNonNullBytes<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> Result) -> Result {
    if bytes.isEmpty {
        var placeholder: UInt8 = 0
        return withUnsafePointer(to: &placeholder) { body($0, 0) }
    }
    return bytes.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
}
