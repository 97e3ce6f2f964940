/// Why the channel key store could not load an account. Messages name the channel, the
/// configuration field and the path, never key material or file contents.
public struct KeyStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Explicitly numbered and only ever appended: logs and alerts may keep the numbers.
    public enum Code: UInt16, Sendable, Equatable {
        /// The file could not be opened, examined or read, or is not a regular file.
        case fileUnreadable = 1
        /// A private key file (or the APIv3 key) may be read by its group or by others.
        case filePermissionsTooOpen = 2
        /// The file is larger than `KeyFile.fileBytesMax`: not a key or certificate.
        case fileTooLarge = 3
        /// The file holds no RSA key of an accepted size (or an encrypted one).
        case keyUnreadable = 4
        /// The file holds no readable X.509 certificate with an RSA key.
        case certificateUnreadable = 5
        /// A certificate in use is not yet valid or has expired.
        case certificateNotValidNow = 6
        /// The WeChat Pay APIv3 key is not 32 printable ASCII characters.
        case apiV3KeyInvalid = 7
        /// The account does not hang together: a private key that does not match its
        /// certificate, a verification key named twice, a bad retired_at, too many keys.
        case accountInvalid = 8
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "KeyStoreError(\(code), \(code.rawValue)): \(message)"
    }
}
