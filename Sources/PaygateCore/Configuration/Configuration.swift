import Foundation

/// The one configuration value, read once in `main` from a JSON file and passed down through
/// initializers. Every default is stated here, where it is declared.
public struct Configuration: Sendable, Codable {
    /// "local" allows http notify_url to loopback; "production" enforces API.md section 8.
    public var mode: Mode = .local
    public var pool: PoolConfiguration
    public var database: DatabaseConfiguration
    /// File holding the 32-byte key that encrypts merchant secrets at rest (mode 0600).
    public var masterKeyFile: String
    /// Allowed distance between a request's timestamp and our clock (API.md section 2).
    public var authWindowSeconds: Int = 300
    /// How long an Idempotency-Key is kept (API.md section 7: at least 24 h).
    public var idempotencyTTLSeconds: Int = 86_400
    /// An idempotency record left "in progress" longer than this by a dead worker may be taken over.
    public var idempotencyLeaseSeconds: Int = 60
    /// How long a worker trusts its cached copy of a merchant (secret, status).
    public var merchantCacheSeconds: Int = 5
    /// Channel endpoints, timeouts and key files (issue 3). Nil when the section is absent.
    public var channels: ChannelsConfiguration?
    /// The merchant webhook dispatcher (issue 4); the contract's defaults when absent.
    public var webhooks = WebhooksConfiguration()

    public enum Mode: String, Sendable, Codable { case local, production }

    enum CodingKeys: String, CodingKey {
        case mode, pool, database
        case masterKeyFile = "master_key_file"
        case authWindowSeconds = "auth_window_seconds"
        case idempotencyTTLSeconds = "idempotency_ttl_seconds"
        case idempotencyLeaseSeconds = "idempotency_lease_seconds"
        case merchantCacheSeconds = "merchant_cache_seconds"
        case channels, webhooks
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .local
        pool = try c.decode(PoolConfiguration.self, forKey: .pool)
        database = try c.decode(DatabaseConfiguration.self, forKey: .database)
        masterKeyFile = try c.decode(String.self, forKey: .masterKeyFile)
        authWindowSeconds = try c.decodeIfPresent(Int.self, forKey: .authWindowSeconds) ?? 300
        idempotencyTTLSeconds = try c.decodeIfPresent(Int.self, forKey: .idempotencyTTLSeconds) ?? 86_400
        idempotencyLeaseSeconds = try c.decodeIfPresent(Int.self, forKey: .idempotencyLeaseSeconds) ?? 60
        merchantCacheSeconds = try c.decodeIfPresent(Int.self, forKey: .merchantCacheSeconds) ?? 5
        channels = try c.decodeIfPresent(ChannelsConfiguration.self, forKey: .channels)
        webhooks = try c.decodeIfPresent(WebhooksConfiguration.self, forKey: .webhooks) ?? WebhooksConfiguration()
    }

    /// Reads and checks the file; a broken configuration stops start-up with a readable message.
    public static func load(path: String) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read configuration file \(path)")
        }
        let configuration: Configuration
        do {
            configuration = try JSONDecoder().decode(Configuration.self, from: data)
        } catch {
            throw ConfigurationError("configuration file \(path) is not valid: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    /// Checks that the limits agree with each other and the shard map covers every slot.
    public func validate() throws {
        guard authWindowSeconds > 0, idempotencyTTLSeconds >= 86_400 else {
            throw ConfigurationError("auth_window_seconds must be > 0 and idempotency_ttl_seconds >= 86400")
        }
        guard pool.workers >= 1, pool.threadsPerWorker >= 1 else {
            throw ConfigurationError("pool.workers and pool.threads_per_worker must be >= 1")
        }
        guard pool.requestBodyBytesMax >= 1024 else {
            throw ConfigurationError("pool.request_body_bytes_max must be >= 1024")
        }
        let db = database
        guard db.connectTimeoutSeconds >= 1, db.lockWaitTimeoutSeconds >= 1,
              db.lockWaitTimeoutSeconds < db.readTimeoutSeconds, db.writeTimeoutSeconds >= 1 else {
            throw ConfigurationError("database timeouts must be >= 1 and lock_wait_timeout_seconds < read_timeout_seconds")
        }
        // A request can hold an idempotency lease for at most a few statements' timeouts.
        guard idempotencyLeaseSeconds > DatabaseConfiguration.transactionAttemptsMax * db.readTimeoutSeconds, merchantCacheSeconds >= 0 else {
            throw ConfigurationError("idempotency_lease_seconds must exceed \(DatabaseConfiguration.transactionAttemptsMax) x read_timeout_seconds; merchant_cache_seconds >= 0")
        }
        _ = try ShardMap(database)
        try channels?.validate()
        try webhooks.validate()
    }
}

public struct PoolConfiguration: Sendable, Codable {
    /// Unix socket nginx connects to. Created mode 0660 by the master.
    public var socketPath: String
    /// Worker processes the master forks; see README "Pool sizing" for how they were chosen.
    public var workers: Int = 2
    /// Threads per worker, each with its own FastCGI request and database connections. 16 with
    /// nginx's fastcgi_keep_conn off was measured best for the payment p99 (README "Pool sizing").
    public var threadsPerWorker: Int = 16
    /// Bodies above this are refused with 413 before they are read (nginx caps them first).
    public var requestBodyBytesMax: Int = 65_536
    /// Where the master writes its pid, when set.
    public var pidFile: String?

    enum CodingKeys: String, CodingKey {
        case socketPath = "socket_path"
        case workers
        case threadsPerWorker = "threads_per_worker"
        case requestBodyBytesMax = "request_body_bytes_max"
        case pidFile = "pid_file"
    }

    public init(socketPath: String, workers: Int = 2, threadsPerWorker: Int = 16, requestBodyBytesMax: Int = 65_536, pidFile: String? = nil) {
        self.socketPath = socketPath
        self.workers = workers
        self.threadsPerWorker = threadsPerWorker
        self.requestBodyBytesMax = requestBodyBytesMax
        self.pidFile = pidFile
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        socketPath = try c.decode(String.self, forKey: .socketPath)
        workers = try c.decodeIfPresent(Int.self, forKey: .workers) ?? 2
        threadsPerWorker = try c.decodeIfPresent(Int.self, forKey: .threadsPerWorker) ?? 16
        requestBodyBytesMax = try c.decodeIfPresent(Int.self, forKey: .requestBodyBytesMax) ?? 65_536
        pidFile = try c.decodeIfPresent(String.self, forKey: .pidFile)
    }
}

public struct DatabaseConfiguration: Sendable, Codable {
    /// How many times a deadlocked transaction is run in all (1213 rolls it back whole).
    public static let transactionAttemptsMax = 3

    public var servers: [Server]
    /// The small global directory (merchants, configuration).
    public var directory: Location
    public var shards: [Shard]
    /// Fixed forever once data exists: slots are baked into payment ids.
    public var slotCount: Int = 1024
    public var slotMap: [SlotRange]
    public var connectTimeoutSeconds: Int = 2
    public var readTimeoutSeconds: Int = 10
    public var writeTimeoutSeconds: Int = 10
    /// Server-side row-lock wait; below `readTimeoutSeconds` (checked at start-up).
    public var lockWaitTimeoutSeconds: Int = 5

    public struct Server: Sendable, Codable {
        public var name: String
        /// Unix socket path; when nil, `host` and `port` are used.
        public var socket: String?
        public var host: String?
        public var port: Int?
        public var user: String
        public var password: String?
        public init(name: String, socket: String?, host: String? = nil, port: Int? = nil, user: String, password: String? = nil) {
            self.name = name; self.socket = socket; self.host = host; self.port = port; self.user = user; self.password = password
        }
    }

    public struct Location: Sendable, Codable {
        public var server: String
        public var database: String
        public init(server: String, database: String) { self.server = server; self.database = database }
    }

    public struct Shard: Sendable, Codable {
        public var name: String
        public var server: String
        public var database: String
        public init(name: String, server: String, database: String) { self.name = name; self.server = server; self.database = database }
    }

    public struct SlotRange: Sendable, Codable {
        public var first: Int
        public var last: Int
        public var shard: String
        public init(first: Int, last: Int, shard: String) { self.first = first; self.last = last; self.shard = shard }
    }

    enum CodingKeys: String, CodingKey {
        case servers, directory, shards
        case slotCount = "slot_count"
        case slotMap = "slot_map"
        case connectTimeoutSeconds = "connect_timeout_seconds"
        case readTimeoutSeconds = "read_timeout_seconds"
        case writeTimeoutSeconds = "write_timeout_seconds"
        case lockWaitTimeoutSeconds = "lock_wait_timeout_seconds"
    }

    public init(servers: [Server], directory: Location, shards: [Shard], slotCount: Int = 1024, slotMap: [SlotRange]) {
        self.servers = servers; self.directory = directory; self.shards = shards; self.slotCount = slotCount; self.slotMap = slotMap
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        servers = try c.decode([Server].self, forKey: .servers)
        directory = try c.decode(Location.self, forKey: .directory)
        shards = try c.decode([Shard].self, forKey: .shards)
        slotCount = try c.decodeIfPresent(Int.self, forKey: .slotCount) ?? 1024
        slotMap = try c.decode([SlotRange].self, forKey: .slotMap)
        connectTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .connectTimeoutSeconds) ?? 2
        readTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .readTimeoutSeconds) ?? 10
        writeTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .writeTimeoutSeconds) ?? 10
        lockWaitTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .lockWaitTimeoutSeconds) ?? 5
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
