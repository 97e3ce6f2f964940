/// A failure of a libfcgi or socket call, with the errno read at once.
public struct FastCGIError: Error, Sendable, CustomStringConvertible {
    public enum Code: Int, Sendable {
        case socketDirectoryMissing = 1
        case socketOpenFailed = 2
        case socketRenameFailed = 3
        case libraryInitFailed = 4
        case requestInitFailed = 5
    }

    public var code: Code
    /// errno (positive) when the failure came from the system, else 0.
    public var errorNumber: Int32
    public var message: String

    public init(_ code: Code, errorNumber: Int32 = 0, _ message: String) {
        self.code = code
        self.errorNumber = errorNumber
        self.message = message
    }

    public var description: String {
        errorNumber == 0 ? message : message + " (errno " + String(errorNumber) + ")"
    }
}
