import Synchronization

/// A Lua script run with EVALSHA: one round trip carrying only the digest. The digest is learned
/// from SCRIPT LOAD the first time (the server computes it, so this module needs no SHA-1), and
/// loaded again when the server answers NOSCRIPT (it restarted, or SCRIPT FLUSH emptied its cache).
public final class RedisScript: Sendable {
    public let source: String
    private let digest = Mutex<String?>(nil)

    public init(source: String) { self.source = source }

    var loadedDigest: String? { digest.withLock { $0 } }

    func remember(_ loaded: String) { digest.withLock { $0 = loaded } }
}

extension RedisConnection {
    /// Runs `script` with text arguments and no keys (a single server: the script names its keys
    /// from its arguments); an error reply (the script failed) throws `.server`. One round trip
    /// when the server has the script; three when it must load it.
    public func evaluate(_ script: RedisScript, arguments: [String]) throws(RedisError) -> RedisReply {
        if let digest = script.loadedDigest {
            let reply = try send(RedisFrame(["EVALSHA", digest, "0"] + arguments))
            guard case .error(let message) = reply, message.hasPrefix("NOSCRIPT") else { return try Self.checked(reply) }
        }
        let loaded = try command(["SCRIPT", "LOAD", script.source])
        guard case .string(let bytes) = loaded else {
            if case .error(let message) = loaded { throw RedisError(.server, "SCRIPT LOAD: \(message)") }
            throw RedisError(.protocolViolation, "SCRIPT LOAD answered \(loaded)")
        }
        let digest = String(decoding: bytes, as: UTF8.self)
        script.remember(digest)
        return try Self.checked(try send(RedisFrame(["EVALSHA", digest, "0"] + arguments)))
    }

    private static func checked(_ reply: RedisReply) throws(RedisError) -> RedisReply {
        if case .error(let message) = reply { throw RedisError(.server, message) }
        return reply
    }
}
