/// AES-256-GCM in the form payment channels use: the caller gives the nonce, and the result
/// is ciphertext followed by the 16-byte tag. WeChat Pay v3 encrypts each callback's
/// `resource` this way (AEAD_AES_256_GCM with the 32-byte APIv3 key, a 12-character nonce
/// and `associated_data`, all three sent as UTF-8 text), and the sandbox seals with it.
///
/// For our own data at rest use `SecretBox`, which draws its nonces itself.
public enum AESGCM {
    public static let keyByteCount = GCM.keyByteCount
    public static let tagByteCount = GCM.tagByteCount
    /// WeChat Pay sends 12 bytes, GCM's standard length. OpenSSL takes 1 to 128, but anything
    /// else hashes the nonce first and is never used by a channel; 13 to 16 are accepted so a
    /// channel that pads its nonce still works, and the narrow range catches a wrong field.
    public static let nonceByteCountMin = 12
    public static let nonceByteCountMax = 16
    /// Callback resources are a few kilobytes, and callback bodies are capped well below this.
    public static let textBytesMax = 1 << 20
    public static let associatedDataBytesMax = 1 << 16

    /// Returns ciphertext||tag. Never seal twice with one key and nonce: GCM then leaks the
    /// XOR of the plaintexts and lets the tag be forged. Draw each nonce fresh (for WeChat
    /// style, `SecureRandom.alphanumeric(12)`).
    public static func seal(key: Secret, nonce: [UInt8], plaintext: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try check(key: key, nonce: nonce, textCount: plaintext.count, associatedDataCount: associatedData.count, failure: .sealFailed)
        var sealed = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        try nonce.withUnsafeBufferPointer { (nonceBytes) throws(CryptoError) in
            try plaintext.withUnsafeBufferPointer { (plaintextBytes) throws(CryptoError) in
                try associatedData.withUnsafeBufferPointer { (associatedBytes) throws(CryptoError) in
                    try sealed.withUnsafeMutableBufferPointer { (output) throws(CryptoError) in
                        try GCM.seal(
                            key: key, nonce: nonceBytes, plaintext: plaintextBytes, associatedData: associatedBytes,
                            ciphertext: output.baseAddress!, tag: output.baseAddress! + plaintext.count)
                    }
                }
            }
        }
        return sealed
    }

    public static func seal(key: [UInt8], nonce: [UInt8], plaintext: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try seal(key: Secret(key), nonce: nonce, plaintext: plaintext, associatedData: associatedData)
    }

    /// The plaintext of ciphertext||tag. Throws `keyLengthInvalid`, `nonceLengthInvalid`,
    /// `ciphertextTooShort` (fewer bytes than a tag), `inputTooLarge`, or
    /// `authenticationFailed` for any altered byte or another key, nonce or associated data.
    public static func open(key: Secret, nonce: [UInt8], ciphertextAndTag: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8]
    {
        guard ciphertextAndTag.count >= tagByteCount else {
            throw CryptoError(
                .ciphertextTooShort, "ciphertext and tag are \(ciphertextAndTag.count) bytes, at least \(tagByteCount) expected")
        }
        let ciphertextCount = ciphertextAndTag.count - tagByteCount
        try check(key: key, nonce: nonce, textCount: ciphertextCount, associatedDataCount: associatedData.count, failure: .openFailed)
        var plaintext = [UInt8](repeating: 0, count: ciphertextCount)
        try nonce.withUnsafeBufferPointer { (nonceBytes) throws(CryptoError) in
            try ciphertextAndTag.withUnsafeBufferPointer { (input) throws(CryptoError) in
                try associatedData.withUnsafeBufferPointer { (associatedBytes) throws(CryptoError) in
                    try plaintext.withUnsafeMutableBufferPointer { (output) throws(CryptoError) in
                        try GCM.open(
                            key: key, nonce: nonceBytes,
                            ciphertext: UnsafeBufferPointer(rebasing: input[..<ciphertextCount]),
                            tag: UnsafeBufferPointer(rebasing: input[ciphertextCount...]),
                            associatedData: associatedBytes, plaintext: output)
                    }
                }
            }
        }
        return plaintext
    }

    public static func open(key: [UInt8], nonce: [UInt8], ciphertextAndTag: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8]
    {
        try open(key: Secret(key), nonce: nonce, ciphertextAndTag: ciphertextAndTag, associatedData: associatedData)
    }

    private static func check(
        key: Secret, nonce: [UInt8], textCount: Int, associatedDataCount: Int, failure: CryptoError.Code
    ) throws(CryptoError) {
        guard key.count == keyByteCount else {
            throw CryptoError(.keyLengthInvalid, "an AES-256-GCM key is \(keyByteCount) bytes, this one is \(key.count)")
        }
        guard nonce.count >= nonceByteCountMin && nonce.count <= nonceByteCountMax else {
            throw CryptoError(.nonceLengthInvalid, "a nonce of \(nonce.count) bytes is outside \(nonceByteCountMin)...\(nonceByteCountMax)")
        }
        guard textCount <= textBytesMax else {
            throw CryptoError(.inputTooLarge, "\(textCount) bytes of text exceed the limit of \(textBytesMax)")
        }
        guard associatedDataCount <= associatedDataBytesMax else {
            throw CryptoError(
                .inputTooLarge, "\(associatedDataCount) bytes of associated data exceed the limit of \(associatedDataBytesMax)")
        }
    }
}
