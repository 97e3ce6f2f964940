import COpenSSL

/// Authenticated encryption of small values at rest (merchant secrets, later card data).
///
/// AES-256-GCM with a fresh random 96-bit nonce per seal. Sealed layout, version 1:
///
///     0x01 | nonce (12 bytes) | ciphertext (as long as the plaintext) | tag (16 bytes)
///
/// The version byte lets a later format (new algorithm, new key) be read next to this one;
/// `open` accepts only version 1, so a changed version byte fails like any other tampering.
/// Random 96-bit nonces stay safe for well over a billion seals under one key, far beyond
/// the number of merchants and stored cards one master key will protect.
public struct SecretBox: Sendable {
    public static let keyByteCount = GCM.keyByteCount
    public static let nonceByteCount = GCM.standardNonceByteCount
    public static let tagByteCount = GCM.tagByteCount
    public static let version: UInt8 = 0x01
    /// Bytes a sealed value has beyond its plaintext.
    public static let overheadByteCount = 1 + nonceByteCount + tagByteCount
    /// Stored secrets and card data are tiny; the limit also keeps every length inside the
    /// `Int32` that OpenSSL's update calls take.
    public static let plaintextBytesMax = 1 << 20
    public static let associatedDataBytesMax = 1 << 16

    private let key: Secret

    /// Fails with `keyLengthInvalid` unless the key is exactly 32 bytes.
    public init(key: [UInt8]) throws(CryptoError) {
        try self.init(key: Secret(key))
    }

    public init(key: Secret) throws(CryptoError) {
        guard key.count == Self.keyByteCount else {
            throw CryptoError(.keyLengthInvalid, "a SecretBox key is \(Self.keyByteCount) bytes, this one is \(key.count)")
        }
        self.key = key
    }

    /// Seals `plaintext`; `associatedData` (for example the row's id) is authenticated but not
    /// stored, so `open` must be given the same bytes.
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try seal(plaintext, associatedData: associatedData, nonce: SecureRandom.bytes(Self.nonceByteCount))
    }

    /// Returns the plaintext, or throws: `sealedDataTooShort`, `versionUnsupported`,
    /// `inputTooLarge`, or `authenticationFailed` for any altered byte, another key or other
    /// associated data.
    public func open(_ sealed: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard sealed.count >= Self.overheadByteCount else {
            throw CryptoError(.sealedDataTooShort, "sealed data is \(sealed.count) bytes, at least \(Self.overheadByteCount) expected")
        }
        guard sealed[0] == Self.version else {
            throw CryptoError(.versionUnsupported, "sealed data version \(sealed[0]) is not \(Self.version)")
        }
        let ciphertextCount = sealed.count - Self.overheadByteCount
        try Self.checkSizes(textCount: ciphertextCount, associatedDataCount: associatedData.count)
        var plaintext = [UInt8](repeating: 0, count: ciphertextCount)
        try sealed.withUnsafeBufferPointer { (input) throws(CryptoError) in
            try associatedData.withUnsafeBufferPointer { (associatedBytes) throws(CryptoError) in
                try plaintext.withUnsafeMutableBufferPointer { (output) throws(CryptoError) in
                    try GCM.open(
                        key: key,
                        nonce: UnsafeBufferPointer(rebasing: input[1..<(1 + Self.nonceByteCount)]),
                        ciphertext: UnsafeBufferPointer(rebasing: input[(1 + Self.nonceByteCount)..<(sealed.count - Self.tagByteCount)]),
                        tag: UnsafeBufferPointer(rebasing: input[(sealed.count - Self.tagByteCount)...]),
                        associatedData: associatedBytes,
                        plaintext: output)
                }
            }
        }
        return plaintext
    }

    /// Seals with a given nonce; internal so tests can check a fixed vector. Production
    /// callers always go through `seal(_:associatedData:)`, which draws a fresh nonce.
    func seal(_ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8]) throws(CryptoError) -> [UInt8] {
        precondition(nonce.count == Self.nonceByteCount, "GCM nonce must be \(Self.nonceByteCount) bytes")
        try Self.checkSizes(textCount: plaintext.count, associatedDataCount: associatedData.count)
        var sealed = [UInt8](repeating: 0, count: Self.overheadByteCount + plaintext.count)
        sealed[0] = Self.version
        sealed.replaceSubrange(1...Self.nonceByteCount, with: nonce)
        try nonce.withUnsafeBufferPointer { (nonceBytes) throws(CryptoError) in
            try plaintext.withUnsafeBufferPointer { (plaintextBytes) throws(CryptoError) in
                try associatedData.withUnsafeBufferPointer { (associatedBytes) throws(CryptoError) in
                    try sealed.withUnsafeMutableBufferPointer { (output) throws(CryptoError) in
                        let ciphertext = output.baseAddress! + 1 + Self.nonceByteCount
                        try GCM.seal(
                            key: key, nonce: nonceBytes, plaintext: plaintextBytes, associatedData: associatedBytes,
                            ciphertext: ciphertext, tag: ciphertext + plaintext.count)
                    }
                }
            }
        }
        return sealed
    }

    private static func checkSizes(textCount: Int, associatedDataCount: Int) throws(CryptoError) {
        guard textCount <= plaintextBytesMax else {
            throw CryptoError(.inputTooLarge, "\(textCount) bytes to encrypt exceed the limit of \(plaintextBytesMax)")
        }
        guard associatedDataCount <= associatedDataBytesMax else {
            throw CryptoError(
                .inputTooLarge, "\(associatedDataCount) bytes of associated data exceed the limit of \(associatedDataBytesMax)")
        }
    }
}
