import PaygateCore

/// A key file sealed under the master key ring: our channel private keys and the WeChat Pay
/// APIv3 key, which sign refunds and open callbacks, never lie on disk as plain PEM or text.
/// The file is one line of text, `paygate-sealed:` followed by the hex of a `SecretBox` value
/// (so its key id says which master key sealed it) and a newline; the associated data is fixed,
/// the file's role being given by where the configuration names it.
///
/// A plain file (PEM, or the APIv3 key's text) is still read as it is, so a stack from before
/// sealing starts; `paygate-admin keys seal-files` (and every `keys rotate-master`) seals the
/// plain ones and re-seals the others under the current master key.
public enum SealedKeyFile {
    public static let prefix = Array("paygate-sealed:".utf8)
    static let associatedData = Array("paygate channel key file".utf8)

    public static func isSealed(_ contents: Secret) -> Bool {
        contents.withBytes { $0.starts(with: prefix) }
    }

    /// The id of the master key that sealed `contents`, nil for a plain file.
    public static func keyId(of contents: Secret) -> UInt32? {
        (try? sealedBytes(contents)).flatMap { SecretBox.keyId(of: $0) }
    }

    /// The plain contents: `contents` itself when plain, else opened with the ring.
    public static func open(_ contents: Secret, keys: KeyRing?) throws(CryptoError) -> Secret {
        guard isSealed(contents) else { return contents }
        guard let keys else { throw CryptoError(.keyIdUnknown, "a sealed key file needs the master key ring, and none was given") }
        return Secret(try keys.open(try sealedBytes(contents), associatedData: associatedData))
    }

    /// The file's contents for `plaintext`, sealed under the ring's current key.
    public static func seal(_ plaintext: Secret, keys: KeyRing) throws(CryptoError) -> Secret {
        let sealed = try plaintext.withBytes { (bytes) throws(CryptoError) in try keys.seal(bytes, associatedData: associatedData) }
        return Secret(prefix + Array(Hex.encode(sealed).utf8) + [UInt8(ascii: "\n")])
    }

    private static func sealedBytes(_ contents: Secret) throws(CryptoError) -> [UInt8] {
        let text = contents.withBytes { bytes in Array(bytes.dropFirst(prefix.count).prefix { $0 != UInt8(ascii: "\n") }) }
        // Ciphertext, not secret: an ordinary string is fine here.
        guard let bytes = Hex.decode(String(decoding: text, as: UTF8.self)) else {
            throw CryptoError(.keyUnreadable, "a sealed key file holds no hex after its prefix")
        }
        return bytes
    }
}
