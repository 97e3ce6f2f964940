import COpenSSL

/// Owns one `EVP_CIPHER_CTX` for the duration of one seal or open.
///
/// A context per call keeps `SecretBox` a plain `Sendable` value usable from any thread;
/// seals and opens happen once per merchant lookup, not per byte, so the allocation is cheap
/// next to the database read around it. The context is freed (and cleared, including its key
/// schedule) when this object goes away.
final class CipherContext {
    let pointer: OpaquePointer

    init(failure: CryptoError.Code) throws(CryptoError) {
        guard let pointer = EVP_CIPHER_CTX_new() else {
            throw OpenSSLErrorQueue.error(failure, "EVP_CIPHER_CTX_new failed")
        }
        self.pointer = pointer
    }

    deinit {
        EVP_CIPHER_CTX_free(pointer)
    }

    /// Turns an OpenSSL status (1 is success) into a typed error carrying OpenSSL's reason.
    func check(_ status: Int32, _ failure: CryptoError.Code, _ operation: String) throws(CryptoError) {
        guard status == 1 else {
            throw OpenSSLErrorQueue.error(failure, "\(operation) failed")
        }
    }

    /// Feeds associated data: an update call with no output buffer.
    func addAssociatedData(_ associatedData: UnsafeBufferPointer<UInt8>, encrypting: Bool) throws(CryptoError) {
        if associatedData.isEmpty {
            return
        }
        var written: Int32 = 0
        let bytes = associatedData.baseAddress
        let count = Int32(associatedData.count)
        if encrypting {
            try check(EVP_EncryptUpdate(pointer, nil, &written, bytes, count), .sealFailed, "EVP_EncryptUpdate (associated data)")
        } else {
            try check(EVP_DecryptUpdate(pointer, nil, &written, bytes, count), .openFailed, "EVP_DecryptUpdate (associated data)")
        }
    }
}
