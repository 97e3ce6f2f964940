import COpenSSL

/// Authenticated encryption of small values at rest (merchant secrets, payer data, stored
/// Idempotency-Key answers) under one master key of a `KeyRing`.
///
/// AES-256-GCM with a fresh random 96-bit nonce per seal. Sealed layout, version 2:
///
///     0x02 | key id (4 bytes, big-endian) | nonce (12 bytes) | ciphertext | tag (16 bytes)
///
/// The key id names the master key that sealed the value, so values sealed under several keys
/// can be read side by side while the keys rotate (`KeyRing`). The five header bytes are part of
/// the authenticated data: a value cannot be passed off as another key's. Version 1, written
/// before keys rotated, has no key id (`0x01 | nonce | ciphertext | tag`, header not
/// authenticated): it is key id 0, the first key, and still opens. Any other version byte fails
/// like tampering. Random 96-bit nonces stay safe for well over a billion seals under one key,
/// and rotating the master key resets the count.
public struct SecretBox: Sendable {
    public static let keyByteCount = GCM.keyByteCount
    public static let nonceByteCount = GCM.standardNonceByteCount
    public static let tagByteCount = GCM.tagByteCount
    public static let version: UInt8 = 0x02
    /// The format without a key id, still opened as key id 0.
    public static let legacyVersion: UInt8 = 0x01
    public static let keyIdByteCount = 4
    static let headerByteCount = 1 + keyIdByteCount
    /// Bytes a sealed value has beyond its plaintext.
    public static let overheadByteCount = headerByteCount + nonceByteCount + tagByteCount
    /// The same for version 1.
    public static let legacyOverheadByteCount = 1 + nonceByteCount + tagByteCount
    /// Stored secrets and card data are tiny; the limit also keeps every length inside the
    /// `Int32` that OpenSSL's update calls take.
    public static let plaintextBytesMax = 1 << 20
    public static let associatedDataBytesMax = 1 << 16

    private let key: Secret
    /// The id written into every value this box seals; version 1 values open only under id 0.
    public let keyId: UInt32

    /// Fails with `keyLengthInvalid` unless the key is exactly 32 bytes.
    public init(key: [UInt8], keyId: UInt32 = 0) throws(CryptoError) {
        try self.init(key: Secret(key), keyId: keyId)
    }

    public init(key: Secret, keyId: UInt32 = 0) throws(CryptoError) {
        guard key.count == Self.keyByteCount else {
            throw CryptoError(.keyLengthInvalid, "a SecretBox key is \(Self.keyByteCount) bytes, this one is \(key.count)")
        }
        self.key = key
        self.keyId = keyId
    }

    /// The id of the key that sealed `sealed` (0 for version 1), or nil when the bytes are not a
    /// sealed value of a known version. Not authenticated: `open` is what checks.
    public static func keyId(of sealed: [UInt8]) -> UInt32? {
        switch sealed.first {
        case legacyVersion: return sealed.count >= legacyOverheadByteCount ? 0 : nil
        case version:
            guard sealed.count >= overheadByteCount else { return nil }
            return sealed[1..<headerByteCount].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        default: return nil
        }
    }

    /// Seals `plaintext`; `associatedData` (for example the row's id) is authenticated but not
    /// stored, so `open` must be given the same bytes.
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try seal(plaintext, associatedData: associatedData, nonce: SecureRandom.bytes(Self.nonceByteCount))
    }

    /// Returns the plaintext, or throws: `sealedDataTooShort`, `versionUnsupported`,
    /// `keyIdUnknown` (sealed under another key id), `inputTooLarge`, or `authenticationFailed`
    /// for any altered byte, another key or other associated data.
    public func open(_ sealed: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        let layout = try Self.layout(of: sealed)
        guard layout.keyId == keyId else {
            throw CryptoError(.keyIdUnknown, "sealed under key id \(layout.keyId), this key is \(keyId)")
        }
        // Version 2's header is authenticated; version 1's single version byte is not.
        let nonceStart = layout.authenticatedHeader.isEmpty ? 1 : Self.headerByteCount
        let textStart = nonceStart + Self.nonceByteCount
        let ciphertextCount = sealed.count - textStart - Self.tagByteCount
        let authenticated = layout.authenticatedHeader + associatedData
        try Self.checkSizes(textCount: ciphertextCount, associatedDataCount: associatedData.count)
        var plaintext = [UInt8](repeating: 0, count: ciphertextCount)
        try sealed.withUnsafeBufferPointer { (input) throws(CryptoError) in
            try authenticated.withUnsafeBufferPointer { (associatedBytes) throws(CryptoError) in
                try plaintext.withUnsafeMutableBufferPointer { (output) throws(CryptoError) in
                    try GCM.open(
                        key: key,
                        nonce: UnsafeBufferPointer(rebasing: input[nonceStart..<textStart]),
                        ciphertext: UnsafeBufferPointer(rebasing: input[textStart..<(sealed.count - Self.tagByteCount)]),
                        tag: UnsafeBufferPointer(rebasing: input[(sealed.count - Self.tagByteCount)...]),
                        associatedData: associatedBytes,
                        plaintext: output)
                }
            }
        }
        return plaintext
    }

    /// The key id and the header bytes that are authenticated with the value (none in version 1).
    private static func layout(of sealed: [UInt8]) throws(CryptoError) -> (keyId: UInt32, authenticatedHeader: [UInt8]) {
        guard let first = sealed.first, first == version || first == legacyVersion else {
            guard sealed.count >= legacyOverheadByteCount else {
                throw CryptoError(.sealedDataTooShort, "sealed data is \(sealed.count) bytes, at least \(legacyOverheadByteCount) expected")
            }
            throw CryptoError(.versionUnsupported, "sealed data version \(sealed[0]) is neither \(version) nor \(legacyVersion)")
        }
        let overhead = first == version ? overheadByteCount : legacyOverheadByteCount
        guard sealed.count >= overhead, let keyId = keyId(of: sealed) else {
            throw CryptoError(.sealedDataTooShort, "sealed data is \(sealed.count) bytes, at least \(overhead) expected")
        }
        return (keyId, first == version ? Array(sealed[0..<headerByteCount]) : [])
    }

    /// Seals with a given nonce; internal so tests can check a fixed vector. Production
    /// callers always go through `seal(_:associatedData:)`, which draws a fresh nonce.
    func seal(_ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8]) throws(CryptoError) -> [UInt8] {
        precondition(nonce.count == Self.nonceByteCount, "GCM nonce must be \(Self.nonceByteCount) bytes")
        try Self.checkSizes(textCount: plaintext.count, associatedDataCount: associatedData.count)
        let header = [Self.version, UInt8(keyId >> 24), UInt8((keyId >> 16) & 0xFF), UInt8((keyId >> 8) & 0xFF), UInt8(keyId & 0xFF)]
        let authenticated = header + associatedData
        var sealed = [UInt8](repeating: 0, count: Self.overheadByteCount + plaintext.count)
        sealed.replaceSubrange(0..<Self.headerByteCount, with: header)
        sealed.replaceSubrange(Self.headerByteCount..<(Self.headerByteCount + Self.nonceByteCount), with: nonce)
        try nonce.withUnsafeBufferPointer { (nonceBytes) throws(CryptoError) in
            try plaintext.withUnsafeBufferPointer { (plaintextBytes) throws(CryptoError) in
                try authenticated.withUnsafeBufferPointer { (associatedBytes) throws(CryptoError) in
                    try sealed.withUnsafeMutableBufferPointer { (output) throws(CryptoError) in
                        let ciphertext = output.baseAddress! + Self.headerByteCount + Self.nonceByteCount
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
