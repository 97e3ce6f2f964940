import PaygateCore
import PaygateCrypto

/// Reading the key store's files into keys. Errors keep the CryptoError's code but not its
/// message: the message cannot show key text, and leaving it out makes sure of it.
extension ChannelKeyStore {
    static func readPrivateKey(_ path: String, field: String, masterKeys: KeyRing?) throws(KeyStoreError) -> RSAPrivateKey {
        let pem = try KeyFile.readSealable(path, field: field, masterKeys: masterKeys)
        do {
            return try RSAPrivateKey(pem: pem)
        } catch {
            throw KeyStoreError(
                .keyUnreadable, "\(field): \(path) holds no unencrypted RSA private key of an accepted size (\(error.code))")
        }
    }

    static func readPublicKey(_ path: String, field: String) throws(KeyStoreError) -> RSAPublicKey {
        let pem = try KeyFile.read(path, .anyone, field: field)
        do {
            return try pem.withBytes { (bytes) throws(CryptoError) in try RSAPublicKey(pem: bytes) }
        } catch {
            throw KeyStoreError(
                .keyUnreadable, "\(field): \(path) holds no RSA public key (BEGIN PUBLIC KEY) of an accepted size (\(error.code))")
        }
    }

    /// A certificate is refused unless it is valid at `now`: one not yet valid or expired would
    /// verify nothing (`VerificationKey.isAccepted`), so loading it would only move the failure
    /// to the first answer or callback it should verify. The error names the file, the serial
    /// and the validity, so the operator sees which certificate to replace (or, for a retired
    /// one, to drop from the configuration).
    static func readCertificate(_ path: String, field: String, now: Timestamp) throws(KeyStoreError) -> X509Certificate {
        let pem = try KeyFile.read(path, .anyone, field: field)
        let certificate: X509Certificate
        do {
            certificate = try pem.withBytes { (bytes) throws(CryptoError) in try X509Certificate(pem: bytes) }
        } catch {
            throw KeyStoreError(.certificateUnreadable, "\(field): \(path) holds no X.509 certificate with an RSA key (\(error.code))")
        }
        let validity = CertificateValidity(certificate)
        guard validity.contains(now) else {
            let state = now < validity.notBefore ? "not yet valid" : "expired"
            throw KeyStoreError(
                .certificateNotValidNow,
                "\(field): \(path) (serial \(certificate.serialNumberHex)) is \(state) at \(now.rfc3339): it is \(validity)")
        }
        return certificate
    }

    /// Exactly `WeChatPayAccount.apiV3KeyByteCount` printable ASCII characters, as WeChat Pay
    /// issues it. One trailing newline is forgiven: `echo KEY > file` is how people write it.
    static func readAPIV3Key(_ path: String, field: String, masterKeys: KeyRing?) throws(KeyStoreError) -> Secret {
        let contents = try KeyFile.readSealable(path, field: field, masterKeys: masterKeys)
        let bytes = contents.withBytes { bytes in bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes }
        let printable = bytes.allSatisfy { (0x21...0x7E).contains($0) }
        guard bytes.count == WeChatPayAccount.apiV3KeyByteCount && printable else {
            // The length is not secret (it is fixed by design); the characters are.
            throw KeyStoreError(
                .apiV3KeyInvalid,
                "\(field): \(path) must hold \(WeChatPayAccount.apiV3KeyByteCount) printable ASCII characters, it holds \(bytes.count) bytes"
            )
        }
        return Secret(bytes)
    }

    /// Builds one account's key set: the current key (no `retired_at`) and any previous keys,
    /// each accepted until its `retired_at` plus the grace period (and, for a certificate, never
    /// outside its validity). `read` gives a file's key, with its id and validity.
    static func verificationKeys(
        _ files: [ChannelsConfiguration.VerificationKeyFile],
        style: VerificationKeySet.IdentifierStyle,
        graceSeconds: Int64,
        field: String,
        read: (String, String) throws(KeyStoreError) -> VerificationKey
    ) throws(KeyStoreError) -> VerificationKeySet {
        let keysField = "\(field).verification_keys"
        guard (1...VerificationKeySet.keyCountMax).contains(files.count), files.filter({ $0.retiredAt == nil }).count == 1 else {
            throw KeyStoreError(
                .accountInvalid, "\(keysField) must list one current key and at most \(VerificationKeySet.keyCountMax - 1) retired ones")
        }
        var keys: [VerificationKey] = []
        // The current key first: it is the one tried first when the channel names no key.
        for file in files.sorted(by: { ($0.retiredAt == nil) && ($1.retiredAt != nil) }) {
            var acceptedUntil: Timestamp? = nil
            if let retiredAt = file.retiredAt {
                guard let retired = file.retiredAtTimestamp else {
                    throw KeyStoreError(.accountInvalid, "\(keysField): retired_at '\(retiredAt)' of \(file.file) is not an RFC 3339 time")
                }
                acceptedUntil = retired.adding(seconds: graceSeconds)
            }
            let key = try read(file.file, keysField)
            let id = key.id
            // A key set treats a repeated id as a programmer error; here it is bad input. The
            // set itself compares, so hex serials match as it matches them (case, leading zeros).
            let earlier = keys.map { VerificationKey(id: $0.id, publicKey: $0.publicKey) }
            if !earlier.isEmpty, VerificationKeySet(style: style, keys: earlier).key(id: id, now: Timestamp(secondsSinceEpoch: 0)) != nil {
                throw KeyStoreError(.accountInvalid, "\(keysField): \(file.file) holds the key \(id) a second time")
            }
            keys.append(VerificationKey(id: id, publicKey: key.publicKey, acceptedUntil: acceptedUntil, validity: key.validity))
        }
        return VerificationKeySet(style: style, keys: keys)
    }
}
