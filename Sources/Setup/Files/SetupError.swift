/// Why `paygate-admin init` (or a rotation) could not finish. Messages name the option or the
/// path, never key material.
public struct SetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Explicitly numbered and only ever appended.
    public enum Code: UInt16, Sendable, Equatable {
        /// A command-line argument is missing, unknown or out of range.
        case argumentInvalid = 1
        /// A file or directory could not be created, written, read or have its mode set.
        case fileSystemFailed = 2
        /// OpenSSL could not make a key or certificate, or read an existing one.
        case cryptoFailed = 3
        /// The options make a configuration its own reader refuses (limits that disagree).
        case configurationInvalid = 4
        /// A file written here did not read back through the code that uses it.
        case readBackFailed = 5
        /// The stack root lacks what the operation needs (a rotation before any key exists).
        case rootIncomplete = 6
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
