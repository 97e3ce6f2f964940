/// An error from hiredis or from the server, read at once from the context that produced it.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The socket could not be opened (no server, wrong path, refused, timed out).
        case connect
        /// A read or write failed or timed out (`EAGAIN` is the command timeout), or the server
        /// closed the connection.
        case io
        /// The reply did not parse, or was not of the shape the caller expected.
        case protocolViolation
        /// The server answered with an error reply (`-ERR ...`): the connection is still good.
        case server
        /// hiredis could not allocate.
        case outOfMemory
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "Redis \(kind): \(message)" }

    /// After any error but a server's error reply the context's state is unknown (hiredis marks
    /// it failed, a reply may still be on its way): the connection must be opened again.
    public var breaksConnection: Bool { kind != .server }
}
