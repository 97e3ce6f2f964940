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
    /// Runs `script` with its keys and arguments; an error reply (the script failed) throws
    /// `.server`. One round trip when the server has the script; three when it must load it.
    public func evaluate(_ script: RedisScript, keys: [[UInt8]] = [], arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        if let digest = script.loadedDigest {
            let reply = try command(Self.evalShaArguments(digest, keys, arguments))
            guard case .error(let message) = reply, message.hasPrefix("NOSCRIPT") else { return try Self.checked(reply) }
        }
        let loaded = try command([Array("SCRIPT".utf8), Array("LOAD".utf8), Array(script.source.utf8)])
        guard case .string(let bytes) = loaded else {
            if case .error(let message) = loaded { throw RedisError(.server, "SCRIPT LOAD: \(message)") }
            throw RedisError(.protocolViolation, "SCRIPT LOAD answered \(loaded)")
        }
        let digest = String(decoding: bytes, as: UTF8.self)
        script.remember(digest)
        return try Self.checked(try command(Self.evalShaArguments(digest, keys, arguments)))
    }

    private static func evalShaArguments(_ digest: String, _ keys: [[UInt8]], _ arguments: [[UInt8]]) -> [[UInt8]] {
        [Array("EVALSHA".utf8), Array(digest.utf8), Array(String(keys.count).utf8)] + keys + arguments
    }

    private static func checked(_ reply: RedisReply) throws(RedisError) -> RedisReply {
        if case .error(let message) = reply { throw RedisError(.server, message) }
        return reply
    }
}
