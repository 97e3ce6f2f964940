import Foundation

/// The one configuration value, read once in `main` from a JSON file and passed down through
/// initializers. Every default is stated here, where it is declared.
public struct Configuration: Sendable, Codable {
    /// "local" allows http notify_url to loopback; "production" enforces docs/API.md section 8.
    public var mode: Mode = .local
    public var pool: PoolConfiguration
    public var database: DatabaseConfiguration
    /// File holding the first 32-byte master key (key id 0), which seals merchant secrets, payer
    /// data and stored Idempotency-Key answers at rest (mode 0600). May live outside the data root.
    public var masterKeyFile: String
    /// Directory of the master keys made by `paygate-admin keys rotate-master`
    /// (`master-<id>.key`, the highest id seals). Nil (the default): the first key alone, which
    /// cannot rotate. May live outside the data root.
    public var masterKeyDirectory: String?
    /// How long a rotated merchant API or webhook secret keeps working beside the new one
    /// (`paygate-admin merchant rotate-secret`, `--overlap-seconds` overrides it). A day, so a
    /// merchant can roll the new secret out to every server in working hours.
    public var secretOverlapSeconds: Int = 86_400
    /// Allowed distance between a request's timestamp and our clock (docs/API.md section 2).
    public var authWindowSeconds: Int = 300
    /// How long an Idempotency-Key is kept (docs/API.md section 7: at least 24 h).
    public var idempotencyTTLSeconds: Int = 86_400
    /// An idempotency record left "in progress" longer than this by a dead worker may be taken over.
    public var idempotencyLeaseSeconds: Int = 60
    /// How long a worker trusts its cached copy of a merchant (secret, status).
    public var merchantCacheSeconds: Int = 5
    /// Slowing a client address that fails authentication again and again.
    public var authFailures = AuthFailuresConfiguration()
    /// Channel endpoints, timeouts and key files. Nil when the section is absent.
    public var channels: ChannelsConfiguration?
    /// The merchant webhook dispatcher; the contract's defaults when absent.
    public var webhooks = WebhooksConfiguration()
    /// Active queries of open payments (the pool sets the first, the worker the rest).
    public var queries = QueriesConfiguration()
    /// Daily reconciliation against the channels' statements; off without its directory.
    public var reconciliation = ReconciliationConfiguration()
    /// The audit log's signed checkpoints and the pool's security-event flush.
    public var audit = AuditConfiguration()
    /// Risk evaluation of every create; off when absent.
    public var risk = RiskConfiguration()

    public enum Mode: String, Sendable, Codable { case local, production }

    enum CodingKeys: String, CodingKey {
        case mode, pool, database
        case masterKeyFile = "master_key_file"
        case masterKeyDirectory = "master_key_directory"
        case secretOverlapSeconds = "secret_overlap_seconds"
        case authWindowSeconds = "auth_window_seconds"
        case idempotencyTTLSeconds = "idempotency_ttl_seconds"
        case idempotencyLeaseSeconds = "idempotency_lease_seconds"
        case merchantCacheSeconds = "merchant_cache_seconds"
        case authFailures = "auth_failures"
        case channels, webhooks, queries, reconciliation, audit, risk
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .local
        pool = try c.decode(PoolConfiguration.self, forKey: .pool)
        database = try c.decode(DatabaseConfiguration.self, forKey: .database)
        masterKeyFile = try c.decode(String.self, forKey: .masterKeyFile)
        masterKeyDirectory = try c.decodeIfPresent(String.self, forKey: .masterKeyDirectory)
        secretOverlapSeconds = try c.decodeIfPresent(Int.self, forKey: .secretOverlapSeconds) ?? 86_400
        authWindowSeconds = try c.decodeIfPresent(Int.self, forKey: .authWindowSeconds) ?? 300
        idempotencyTTLSeconds = try c.decodeIfPresent(Int.self, forKey: .idempotencyTTLSeconds) ?? 86_400
        idempotencyLeaseSeconds = try c.decodeIfPresent(Int.self, forKey: .idempotencyLeaseSeconds) ?? 60
        merchantCacheSeconds = try c.decodeIfPresent(Int.self, forKey: .merchantCacheSeconds) ?? 5
        authFailures = try c.decodeIfPresent(AuthFailuresConfiguration.self, forKey: .authFailures) ?? AuthFailuresConfiguration()
        channels = try c.decodeIfPresent(ChannelsConfiguration.self, forKey: .channels)
        webhooks = try c.decodeIfPresent(WebhooksConfiguration.self, forKey: .webhooks) ?? WebhooksConfiguration()
        queries = try c.decodeIfPresent(QueriesConfiguration.self, forKey: .queries) ?? QueriesConfiguration()
        reconciliation =
            try c.decodeIfPresent(ReconciliationConfiguration.self, forKey: .reconciliation) ?? ReconciliationConfiguration()
        audit = try c.decodeIfPresent(AuditConfiguration.self, forKey: .audit) ?? AuditConfiguration()
        risk = try c.decodeIfPresent(RiskConfiguration.self, forKey: .risk) ?? RiskConfiguration()
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
        guard pool.workingThreadsMax >= 1, pool.workingThreadsMax <= pool.threadsPerWorker else {
            throw ConfigurationError("pool.working_threads_max must be 1...threads_per_worker")
        }
        guard pool.requestBodyBytesMax >= 1024 else {
            throw ConfigurationError("pool.request_body_bytes_max must be >= 1024")
        }
        let db = database
        guard db.connectTimeoutSeconds >= 1, db.lockWaitTimeoutSeconds >= 1,
            db.lockWaitTimeoutSeconds < db.readTimeoutSeconds, db.writeTimeoutSeconds >= 1
        else {
            throw ConfigurationError("database timeouts must be >= 1 and lock_wait_timeout_seconds < read_timeout_seconds")
        }
        // A request can hold an idempotency lease for at most a few statements' timeouts.
        guard idempotencyLeaseSeconds > DatabaseConfiguration.transactionAttemptsMax * db.readTimeoutSeconds, merchantCacheSeconds >= 0
        else {
            throw ConfigurationError(
                "idempotency_lease_seconds must exceed \(DatabaseConfiguration.transactionAttemptsMax) x read_timeout_seconds; merchant_cache_seconds >= 0"
            )
        }
        guard secretOverlapSeconds >= 0 else { throw ConfigurationError("secret_overlap_seconds must be >= 0") }
        try db.pool.validate(readTimeoutSeconds: db.readTimeoutSeconds)
        _ = try ShardMap(database)
        try channels?.validate()
        try webhooks.validate()
        try authFailures.validate()
        try queries.validate()
        try reconciliation.validate()
        try audit.validate()
        try risk.validate()
    }
}

public struct PoolConfiguration: Sendable, Codable {
    /// Unix socket nginx connects to. Created mode 0660 by the master.
    public var socketPath: String
    /// Worker processes the master forks; see README "Sizing" for how they were chosen.
    public var workers: Int = 2
    /// Threads per worker, each with its own FastCGI request. A thread waiting on a channel costs
    /// memory, not CPU, and holds no database connection (those are `database.pool`), so there
    /// are enough for every request in flight: README "Sizing".
    public var threadsPerWorker: Int = 256
    /// Requests of one worker doing CPU work at once (the rest wait first come, first served; a
    /// request waiting on a channel does not count): README "Sizing".
    public var workingThreadsMax: Int = 6
    /// Bodies above this are refused with 413 before they are read (nginx caps them first).
    public var requestBodyBytesMax: Int = 65_536
    /// Where the master writes its pid, when set.
    public var pidFile: String?

    enum CodingKeys: String, CodingKey {
        case socketPath = "socket_path"
        case workers
        case threadsPerWorker = "threads_per_worker"
        case workingThreadsMax = "working_threads_max"
        case requestBodyBytesMax = "request_body_bytes_max"
        case pidFile = "pid_file"
    }

    public init(
        socketPath: String, workers: Int = 2, threadsPerWorker: Int = 256, requestBodyBytesMax: Int = 65_536, pidFile: String? = nil
    ) {
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
        threadsPerWorker = try c.decodeIfPresent(Int.self, forKey: .threadsPerWorker) ?? 256
        workingThreadsMax = try c.decodeIfPresent(Int.self, forKey: .workingThreadsMax) ?? 6
        requestBodyBytesMax = try c.decodeIfPresent(Int.self, forKey: .requestBodyBytesMax) ?? 65_536
        pidFile = try c.decodeIfPresent(String.self, forKey: .pidFile)
    }
}

/// When open payments are queried at their channel (`QuerySchedule`) and how fast.
public struct QueriesConfiguration: Sendable, Codable {
    /// Delays between active queries of a `processing` payment, counted from its creation; after
    /// the last one only the expiry close asks the channel again.
    public var scheduleSeconds: [Int64] = [30, 60, 120, 300, 600]
    /// Queries per second to each channel, per worker process (real channels limit query QPS).
    public var channelRatePerSecond: Int = 50

    enum CodingKeys: String, CodingKey {
        case scheduleSeconds = "schedule_seconds"
        case channelRatePerSecond = "channel_rate_per_second"
    }

    public init(scheduleSeconds: [Int64] = [30, 60, 120, 300, 600], channelRatePerSecond: Int = 50) {
        self.scheduleSeconds = scheduleSeconds
        self.channelRatePerSecond = channelRatePerSecond
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scheduleSeconds = try c.decodeIfPresent([Int64].self, forKey: .scheduleSeconds) ?? [30, 60, 120, 300, 600]
        channelRatePerSecond = try c.decodeIfPresent(Int.self, forKey: .channelRatePerSecond) ?? 50
    }

    public var schedule: QuerySchedule { QuerySchedule(stepsSeconds: scheduleSeconds) }

    func validate() throws {
        guard !scheduleSeconds.isEmpty, scheduleSeconds.count <= QuerySchedule.stepCountMax,
            scheduleSeconds.allSatisfy({ $0 >= 1 && $0 <= 86_400 })
        else {
            throw ConfigurationError("queries.schedule_seconds must list 1...\(QuerySchedule.stepCountMax) delays of 1...86400 s")
        }
        guard (1...100_000).contains(channelRatePerSecond) else {
            throw ConfigurationError("queries.channel_rate_per_second must be 1...100000")
        }
    }
}

/// The database connections of one process (pool worker, paygate-worker, admin tool): one
/// bounded pool per shard database and one for the directory, shared by the process's threads and
/// borrowed for one transaction at a time. A request that waits longer than
/// `connectionWaitMilliseconds` for a connection is answered 503 with nothing written.
public struct ConnectionPoolConfiguration: Sendable, Codable {
    /// Connections per shard database per process. A transaction holds one for about a
    /// millisecond; more connections than the database server has cores only add contention.
    public var connectionsPerShard: Int = 8
    /// Connections to the directory per process (merchant lookups, mostly served by the cache).
    public var directoryConnections: Int = 4
    /// The longest a borrower waits, first come first served, before the 503.
    public var connectionWaitMilliseconds: Int = 2_000

    enum CodingKeys: String, CodingKey {
        case connectionsPerShard = "connections_per_shard"
        case directoryConnections = "directory_connections"
        case connectionWaitMilliseconds = "connection_wait_ms"
    }

    public init(connectionsPerShard: Int = 8, directoryConnections: Int = 4, connectionWaitMilliseconds: Int = 2_000) {
        self.connectionsPerShard = connectionsPerShard
        self.directoryConnections = directoryConnections
        self.connectionWaitMilliseconds = connectionWaitMilliseconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        connectionsPerShard = try c.decodeIfPresent(Int.self, forKey: .connectionsPerShard) ?? 8
        directoryConnections = try c.decodeIfPresent(Int.self, forKey: .directoryConnections) ?? 4
        connectionWaitMilliseconds = try c.decodeIfPresent(Int.self, forKey: .connectionWaitMilliseconds) ?? 2_000
    }

    /// A wait as long as a statement's own timeout would turn a full pool into client timeouts.
    func validate(readTimeoutSeconds: Int) throws {
        guard (1...1_024).contains(connectionsPerShard), (1...1_024).contains(directoryConnections) else {
            throw ConfigurationError("database.pool.connections_per_shard and directory_connections must be 1...1024")
        }
        guard connectionWaitMilliseconds >= 1, connectionWaitMilliseconds < readTimeoutSeconds * 1000 else {
            throw ConfigurationError("database.pool.connection_wait_ms must be >= 1 and below read_timeout_seconds")
        }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
