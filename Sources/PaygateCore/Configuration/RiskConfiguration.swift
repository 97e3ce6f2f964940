/// Risk evaluation of every create (README "Risk"): the rules file, the model, the score
/// thresholds, the shared counters (Redis) and what to do when they cannot be reached. Off when
/// the section is absent, so an older configuration keeps working unchanged.
public struct RiskConfiguration: Sendable, Codable, Equatable {
    public var enabled = false
    /// The rules admins edit (beside the rate limits); reloaded with the pool (`make reload`).
    public var rulesFile: String?
    /// The exported model (`scripts/train-risk-model`); versioned inside; loaded at start and reload.
    public var modelFile: String?
    /// Scores at or above these review or block when no allow rule matched first.
    public var reviewThreshold = 65
    public var blockThreshold = 85
    public var redis = RiskRedisConfiguration()
    public var degraded = RiskDegradedConfiguration()
    /// How often a pool process reads the risk lists again (`paygate-admin risk list`).
    public var listsRefreshSeconds = 2

    public static let scoreRange = 0...100
    public static let listsRefreshSecondsRange = 1...300

    public init() {}

    enum CodingKeys: String, CodingKey {
        case enabled, redis, degraded
        case rulesFile = "rules_file"
        case modelFile = "model_file"
        case reviewThreshold = "review_threshold"
        case blockThreshold = "block_threshold"
        case listsRefreshSeconds = "lists_refresh_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        rulesFile = try c.decodeIfPresent(String.self, forKey: .rulesFile)
        modelFile = try c.decodeIfPresent(String.self, forKey: .modelFile)
        reviewThreshold = try c.decodeIfPresent(Int.self, forKey: .reviewThreshold) ?? 65
        blockThreshold = try c.decodeIfPresent(Int.self, forKey: .blockThreshold) ?? 85
        redis = try c.decodeIfPresent(RiskRedisConfiguration.self, forKey: .redis) ?? RiskRedisConfiguration()
        degraded = try c.decodeIfPresent(RiskDegradedConfiguration.self, forKey: .degraded) ?? RiskDegradedConfiguration()
        listsRefreshSeconds = try c.decodeIfPresent(Int.self, forKey: .listsRefreshSeconds) ?? 2
    }

    public func validate() throws {
        guard Self.scoreRange.contains(reviewThreshold), Self.scoreRange.contains(blockThreshold), reviewThreshold <= blockThreshold
        else {
            throw ConfigurationError("risk: review_threshold <= block_threshold, both 0-100")
        }
        guard Self.listsRefreshSecondsRange.contains(listsRefreshSeconds) else {
            throw ConfigurationError("risk: lists_refresh_seconds must be 1-300")
        }
        for path in [rulesFile, modelFile].compactMap({ $0 }) where !path.hasPrefix("/") {
            throw ConfigurationError("risk: \(path) must be an absolute path")
        }
        if enabled, rulesFile == nil || modelFile == nil || redis.endpoint == nil {
            throw ConfigurationError("risk: enabled needs rules_file, model_file and redis (socket, or host and port)")
        }
        try redis.validate()
        try degraded.validate()
    }
}

/// The Redis server of the counters: its unix socket (a server on the pool's host, the local
/// stack's), or `host` and `port` of one server every pool host shares (on their private
/// network, with `password_file` when the server has `requirepass`).
public struct RiskRedisConfiguration: Sendable, Codable, Equatable {
    public var socket: String?
    public var host: String?
    public var port: Int?
    /// A 0600 file holding the server's password (sent with AUTH on every new connection).
    public var passwordFile: String?
    /// Connect and each command: a create waits at most about this long for its counters.
    public var timeoutMilliseconds = 50
    /// After a failure, calls fail at once for this long before one tries again, so an
    /// unreachable Redis costs one timeout per process per interval, not one per create.
    public var retryAfterMilliseconds = 1_000

    public static let timeoutMillisecondsRange = 1...2_000
    public static let retryAfterMillisecondsRange = 10...60_000

    public init() {}

    enum CodingKeys: String, CodingKey {
        case socket, host, port
        case passwordFile = "password_file"
        case timeoutMilliseconds = "timeout_milliseconds"
        case retryAfterMilliseconds = "retry_after_milliseconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        socket = try c.decodeIfPresent(String.self, forKey: .socket)
        host = try c.decodeIfPresent(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        timeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? 50
        retryAfterMilliseconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterMilliseconds) ?? 1_000
    }

    public func validate() throws {
        guard Self.timeoutMillisecondsRange.contains(timeoutMilliseconds), Self.retryAfterMillisecondsRange.contains(retryAfterMilliseconds)
        else {
            throw ConfigurationError("risk.redis: timeout_milliseconds 1-2000, retry_after_milliseconds 10-60000")
        }
        guard socket == nil || host == nil, (host == nil) == (port == nil), port.map({ (1...65_535).contains($0) }) ?? true else {
            throw ConfigurationError("risk.redis: either socket, or host with port (1-65535)")
        }
        // An address, not a name: hiredis resolves a name with getaddrinfo, which its connect
        // timeout does not bound, and a slow resolver would then stall creates.
        if let host, !Self.isAddressLiteral(host) {
            throw ConfigurationError("risk.redis.host must be an IPv4 or IPv6 address, not a name: \(host)")
        }
        for path in [socket, passwordFile].compactMap({ $0 }) where !path.hasPrefix("/") {
            throw ConfigurationError("risk.redis: \(path) must be an absolute path")
        }
    }

    static func isAddressLiteral(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }) {
            return true
        }
        return host.contains(":") && host.count <= 45 && host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// The server named, if any.
    public var endpoint: RedisServer? {
        if let socket { return .unixSocket(socket) }
        if let host, let port { return .tcp(host: host, port: port) }
        return nil
    }
}

/// The decision while the counters are unreachable: creates below `allow_below` are allowed,
/// others get `above` (review or block). Rules that need no counters (lists, amounts, channels)
/// still apply first, so a blocked device stays blocked.
public struct RiskDegradedConfiguration: Sendable, Codable, Equatable {
    /// In the payment's currency's major units, as the API writes amounts ("500.00").
    public var allowBelow = "500.00"
    public var above: RiskDecision = .review

    public init() {}

    enum CodingKeys: String, CodingKey {
        case allowBelow = "allow_below"
        case above
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        allowBelow = try c.decodeIfPresent(String.self, forKey: .allowBelow) ?? "500.00"
        above = try c.decodeIfPresent(RiskDecision.self, forKey: .above) ?? .review
    }

    public func validate() throws {
        guard (try? Money.parse(allowBelow, currency: .cny)) != nil else {
            throw ConfigurationError("risk.degraded.allow_below must be an amount such as \"500.00\"")
        }
        guard above == .review || above == .block else { throw ConfigurationError("risk.degraded.above must be review or block") }
    }
}

/// Where the counters' Redis listens (the Redis module connects to it as `RedisEndpoint`).
public enum RedisServer: Sendable, Equatable {
    case unixSocket(String)
    case tcp(host: String, port: Int)
}
