import COpenSSL

/// AES-256-GCM over raw buffers: the one place that drives OpenSSL's GCM calls, shared by
/// `SecretBox` (our sealed format at rest) and `AESGCM` (the channels' ciphertext||tag form).
///
/// Callers check their own size limits first; every length here must fit OpenSSL's `Int32`.
enum GCM {
    static let keyByteCount = 32
    static let tagByteCount = 16
    /// The standard GCM nonce; other lengths are set explicitly before the nonce is given.
    static let standardNonceByteCount = 12

    /// Encrypts `plaintext` into `ciphertext` (same length) and writes the tag to `tag`.
    static func seal(
        key: Secret,
        nonce: UnsafeBufferPointer<UInt8>,
        plaintext: UnsafeBufferPointer<UInt8>,
        associatedData: UnsafeBufferPointer<UInt8>,
        ciphertext: UnsafeMutablePointer<UInt8>,
        tag: UnsafeMutablePointer<UInt8>
    ) throws(CryptoError) {
        let context = try CipherContext(failure: .sealFailed)
        try start(context, key: key, nonce: nonce, encrypting: true)
        try context.addAssociatedData(associatedData, encrypting: true)
        var written: Int32 = 0
        if !plaintext.isEmpty {
            try context.check(
                EVP_EncryptUpdate(context.pointer, ciphertext, &written, plaintext.baseAddress, Int32(plaintext.count)),
                .sealFailed, "EVP_EncryptUpdate")
        }
        var finalWritten: Int32 = 0
        try context.check(
            EVP_EncryptFinal_ex(context.pointer, ciphertext + Int(written), &finalWritten), .sealFailed, "EVP_EncryptFinal_ex")
        precondition(Int(written + finalWritten) == plaintext.count, "GCM ciphertext length differs from plaintext length")
        try context.check(paygate_gcm_get_tag(context.pointer, tag, Int32(tagByteCount)), .sealFailed, "get GCM tag")
    }

    /// Decrypts `ciphertext` into `plaintext` (same length) and checks `tag`; on a failed
    /// check throws `authenticationFailed` and leaves `plaintext` zeroed.
    static func open(
        key: Secret,
        nonce: UnsafeBufferPointer<UInt8>,
        ciphertext: UnsafeBufferPointer<UInt8>,
        tag: UnsafeBufferPointer<UInt8>,
        associatedData: UnsafeBufferPointer<UInt8>,
        plaintext: UnsafeMutableBufferPointer<UInt8>
    ) throws(CryptoError) {
        precondition(tag.count == tagByteCount && plaintext.count == ciphertext.count, "GCM open: buffer sizes disagree")
        let context = try CipherContext(failure: .openFailed)
        try start(context, key: key, nonce: nonce, encrypting: false)
        try context.addAssociatedData(associatedData, encrypting: false)
        var written: Int32 = 0
        if !ciphertext.isEmpty {
            try context.check(
                EVP_DecryptUpdate(context.pointer, plaintext.baseAddress, &written, ciphertext.baseAddress, Int32(ciphertext.count)),
                .openFailed, "EVP_DecryptUpdate")
        }
        // OpenSSL only copies the tag; the mutable pointer is its API's, not a write.
        try context.check(
            paygate_gcm_set_tag(context.pointer, UnsafeMutablePointer(mutating: tag.baseAddress), Int32(tagByteCount)),
            .openFailed, "set GCM tag")
        var finalWritten: Int32 = 0
        var finalByte: UInt8 = 0
        // The tag is checked here; GCM writes no bytes at the end, so a one-byte target will do
        // even when the plaintext is empty and has no address.
        let status = withUnsafeMutablePointer(to: &finalByte) { fallback in
            EVP_DecryptFinal_ex(context.pointer, plaintext.baseAddress.map { $0 + Int(written) } ?? fallback, &finalWritten)
        }
        if status <= 0 {
            // Unauthenticated plaintext must not survive, even in memory about to be freed.
            plaintext.update(repeating: 0)
            _ = OpenSSLErrorQueue.drain()
            throw CryptoError(.authenticationFailed, "sealed data failed authentication (altered, other key, nonce or associated data)")
        }
    }

    private static func start(
        _ context: CipherContext, key: Secret, nonce: UnsafeBufferPointer<UInt8>, encrypting: Bool
    ) throws(CryptoError) {
        precondition(key.count == keyByteCount && !nonce.isEmpty, "GCM key or nonce length not checked by the caller")
        let failure: CryptoError.Code = encrypting ? .sealFailed : .openFailed
        let cipher = Algorithms.shared.aes256GCM
        // Cipher first, then (for a non-standard nonce) its length, then key and nonce.
        let status =
            encrypting
            ? EVP_EncryptInit_ex(context.pointer, cipher, nil, nil, nil)
            : EVP_DecryptInit_ex(context.pointer, cipher, nil, nil, nil)
        try context.check(status, failure, "GCM init")
        if nonce.count != standardNonceByteCount {
            try context.check(paygate_gcm_set_nonce_length(context.pointer, Int32(nonce.count)), failure, "set GCM nonce length")
        }
        try key.withBytes { (keyBytes) throws(CryptoError) in
            let status =
                encrypting
                ? EVP_EncryptInit_ex(context.pointer, nil, nil, keyBytes, nonce.baseAddress)
                : EVP_DecryptInit_ex(context.pointer, nil, nil, keyBytes, nonce.baseAddress)
            try context.check(status, failure, "GCM key and nonce")
        }
    }
}
