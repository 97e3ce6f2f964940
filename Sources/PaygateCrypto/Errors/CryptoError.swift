/// The one error type of PaygateCrypto.
///
/// A struct with a code, so that adding a case never breaks a caller's `switch`.
/// `message` says what failed in words, and carries OpenSSL's own error text when
/// OpenSSL reported one. It never contains key material, plaintext or file contents.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Explicitly numbered and only ever appended: logs and metrics may keep the numbers.
    public enum Code: UInt16, Sendable, Equatable {
        /// RAND_bytes could not produce random bytes (the entropy source failed).
        case randomUnavailable = 1
        /// A key does not have the length the algorithm needs.
        case keyLengthInvalid = 2
        /// Encryption failed inside OpenSSL.
        case sealFailed = 3
        /// The sealed data was altered, or the key or associated data is not the one used to seal.
        case authenticationFailed = 4
        /// The sealed data starts with a format version this build does not know.
        case versionUnsupported = 5
        /// The sealed data is shorter than version + nonce + tag.
        case sealedDataTooShort = 6
        /// The input is larger than the named limit for it.
        case inputTooLarge = 7
        /// The key file could not be opened, examined or read.
        case keyFileUnreadable = 8
        /// The key file may be read by its group or by others.
        case keyFilePermissionsTooOpen = 9
        /// The key file does not hold exactly the expected number of bytes.
        case keyFileLengthInvalid = 10
        /// Decryption failed inside OpenSSL for a reason other than a failed tag check.
        case openFailed = 11
        /// The PEM or DER text is not a key of the expected kind (or is an encrypted private key).
        case keyUnreadable = 12
        /// The key is not RSA, or is shorter than the minimum size.
        case keyTypeUnsupported = 13
        /// OpenSSL could not generate a key.
        case keyGenerationFailed = 14
        /// Signing failed inside OpenSSL.
        case signFailed = 15
        /// The PEM text is not an X.509 certificate, or a field of it cannot be read.
        case certificateUnreadable = 16
        /// Building or signing a certificate failed (or its parameters are out of range).
        case certificateCreationFailed = 17
        /// An AEAD nonce does not have a length the algorithm accepts.
        case nonceLengthInvalid = 18
        /// AEAD input is shorter than its authentication tag.
        case ciphertextTooShort = 19
        /// Writing a key or certificate out as PEM or DER failed.
        case exportFailed = 20
        /// The sealed value names a key id the key box or ring does not hold (a retired key, or
        /// a newer key this process has not read yet).
        case keyIdUnknown = 21
        /// A key ring's directory or files are not as `KeyRing` expects (no key at all, a name
        /// that is not a key id, too many keys).
        case keyRingInvalid = 22
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "CryptoError(\(code), \(code.rawValue)): \(message)"
    }
}
