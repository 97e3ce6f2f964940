import CHiredis
import Glibc

/// Where a Redis server listens: its unix socket (a server on this host, the local stack's), or a
/// host and port (one server shared by the pool hosts, on their private network).
public enum RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    case unixSocket(String)
    case tcp(host: String, port: Int)

    public var description: String {
        switch self {
        case .unixSocket(let path): path
        case .tcp(let host, let port): "\(host):\(port)"
        }
    }
}

/// One connection to one Redis server (unix socket or TCP), used by one thread at a time (a
/// hiredis context is not thread-safe). Connecting and every command are bounded by
/// `timeoutMilliseconds` (connect timeout, then `SO_RCVTIMEO`/`SO_SNDTIMEO` via `redisSetTimeout`).
///
/// After an error that leaves the context in an unknown state (`RedisError.breaksConnection`),
/// the context is freed at once and the next command connects again: a caller never has to
/// tell a dead connection from a live one. Before each command an idle context is polled, so a
/// server that restarted while it sat idle costs a reconnect, not a failed command.
public final class RedisConnection {
    /// Arguments of one command: the risk script takes a few hundred; this only stops a mistake.
    public static let argumentCountMax = 65_536

    public let endpoint: RedisEndpoint
    /// Sent with AUTH right after connecting, when the server asks for one (`requirepass`).
    let password: String?
    public let timeoutMilliseconds: Int
    private var context: UnsafeMutablePointer<redisContext>?
    /// The process that opened `context`: a forked child must not share the parent's socket.
    private var contextProcess: pid_t = 0

    /// Connects at the first command, not here, so a connection can be made before the server is up.
    public init(endpoint: RedisEndpoint, password: String? = nil, timeoutMilliseconds: Int) {
        precondition(timeoutMilliseconds > 0, "a Redis timeout must be positive")
        self.endpoint = endpoint
        self.password = password
        self.timeoutMilliseconds = timeoutMilliseconds
        RedisConnection.ignoreBrokenPipesOnce()
    }

    deinit { close() }

    /// hiredis writes with write(2): a server that died between our poll and the write would
    /// raise SIGPIPE, whose default action ends the process. Ignored, it is an EPIPE error like any
    /// other. paygate and paygate-worker ignore it already (Pool's ProcessSupport); this covers
    /// every other process that talks to Redis.
    private static let brokenPipesIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    private static func ignoreBrokenPipesOnce() { _ = brokenPipesIgnored }

    public var isConnected: Bool { context != nil }

    public func close() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Opens the socket if no context is open (or the open one belongs to a parent process).
    public func connect() throws(RedisError) {
        if context != nil, contextProcess == getpid() { return }
        if context != nil {
            // Inherited through fork: free our copy (closes only our descriptor) and start afresh.
            close()
        }
        let timeout = Self.timeval(milliseconds: timeoutMilliseconds)
        let connected: UnsafeMutablePointer<redisContext>? =
            switch endpoint {
            case .unixSocket(let path): redisConnectUnixWithTimeout(path, timeout)
            case .tcp(let host, let port): redisConnectWithTimeout(host, Int32(port), timeout)
            }
        guard let opened = connected else { throw RedisError(.outOfMemory, "hiredis could not allocate a context") }
        if opened.pointee.err != 0 {
            let message = String(cString: paygate_redis_error_text(opened))
            redisFree(opened)
            throw RedisError(.connect, "\(endpoint): \(message)")
        }
        guard redisSetTimeout(opened, timeout) == REDIS_OK else {
            let message = String(cString: paygate_redis_error_text(opened))
            redisFree(opened)
            throw RedisError(.connect, "\(endpoint): setting the command timeout failed: \(message)")
        }
        context = opened
        contextProcess = getpid()
        if let password {
            // A failed command closes the context itself; a refusal is closed here.
            if case .error(let message) = try command(["AUTH", password]) {
                close()
                throw RedisError(.connect, "\(endpoint): AUTH refused: \(message)")
            }
        }
    }

    /// Sends one command (its arguments as text, sent as their UTF-8) and reads its reply. An
    /// error reply is returned as `.error`; only a failure of the connection itself throws.
    public func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        precondition(!arguments.isEmpty && arguments.count <= Self.argumentCountMax, "Redis argument count out of range")
        return try send(RedisFrame(arguments))
    }

    /// Writes the framed command and waits for its reply (within the connection's timeout).
    func send(_ frame: RedisFrame) throws(RedisError) -> RedisReply {
        dropIfClosedByServer()
        try connect()
        guard let context else { throw RedisError(.connect, "no context after connect") }
        var raw: UnsafeMutableRawPointer?
        let appended = frame.bytes.withUnsafeBytes { bytes in
            redisAppendFormattedCommand(context, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard appended == REDIS_OK, redisGetReply(context, &raw) == REDIS_OK, let raw else {
            let error = Self.contextError(context)
            close()
            throw error
        }
        defer { freeReplyObject(raw) }
        do {
            return try RedisReply.copy(raw.assumingMemoryBound(to: redisReply.self))
        } catch {
            close()
            throw error
        }
    }

    /// A context idle in our hands has nothing to read; a readable socket means the server closed
    /// it (a restart) or sent an error. One poll(2), no round trip.
    private func dropIfClosedByServer() {
        guard let context, contextProcess == getpid() else { return }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) != 0 { close() }
    }

    private static func contextError(_ context: UnsafeMutablePointer<redisContext>) -> RedisError {
        let message = String(cString: paygate_redis_error_text(context))
        switch context.pointee.err {
        case REDIS_ERR_PROTOCOL: return RedisError(.protocolViolation, message)
        case REDIS_ERR_OOM: return RedisError(.outOfMemory, message)
        default: return RedisError(.io, message.isEmpty ? "connection failed" : message)
        }
    }

    static func timeval(milliseconds: Int) -> Glibc.timeval {
        Glibc.timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
    }
}
