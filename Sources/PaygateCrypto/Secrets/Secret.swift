/// Bytes that must never reach a log, an error message or a debugger print.
///
/// Every textual form is `<redacted>`, and `Mirror`/`dump` see no children. Reading the bytes
/// is an explicit call (`withBytes` or `reveal()`), which makes each use easy to find in review.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The UTF-8 bytes of a textual secret, such as a merchant's signing secret.
    public init(utf8 text: String) {
        self.bytes = Array(text.utf8)
    }

    /// Number of bytes; not secret, since the lengths of keys and secrets are fixed by design.
    public var count: Int {
        bytes.count
    }

    /// Lends the bytes to `body`; prefer this to `reveal()` so no copy outlives the use.
    public func withBytes<Result, Failure: Error>(_ body: ([UInt8]) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(bytes)
    }

    /// A copy of the bytes, for the places that must hand them on (for example printing a
    /// newly created merchant secret once to the admin who asked for it).
    public func reveal() -> [UInt8] {
        bytes
    }

    public var description: String {
        "<redacted>"
    }

    public var debugDescription: String {
        "Secret(<redacted>)"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [], displayStyle: .struct)
    }
}
