/// Why a file could not be read or written. A struct with a code, so a new code breaks no caller;
/// `message` names the place (entry, line, offset) and never holds the file's content.
public struct FileFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The file could not be opened or read (errno in the message).
        case unreadable
        /// The data ends before its own format says it does (a cut-off zip, gzip or deflate stream).
        case truncated
        /// The bytes break the format: a bad signature, a CRC-32 mismatch, a corrupt deflate stream.
        case corrupt
        /// Past a named limit (an entry, a line, an inflated size).
        case tooLarge
        /// Text that is not in the encoding it must be in.
        case encoding
        /// Valid, but a feature this reader does not take (zip64, encryption, another method).
        case unsupported
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
