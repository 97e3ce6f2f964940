import Foundation

/// The MariaDB servers, the directory database and the shards, with the map of virtual slots to
/// shards that routes every id (ids carry their slot).
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
    /// Each process's connection pools (README "Sizing").
    public var pool = ConnectionPoolConfiguration()
    /// The accounts other than the application's (which is each server's `user`): the schema
    /// owner `paygate-admin migrate` uses and the read-only one of the checker and reports. Left
    /// out, those commands use the servers' `user` too (README "Database accounts").
    public var accounts = DatabaseAccounts()

    public struct Server: Sendable, Codable {
        public var name: String
        /// Unix socket path; when nil, `host` and `port` are used.
        public var socket: String?
        public var host: String?
        public var port: Int?
        /// The application account (DML only, INSERT-only on the append-only tables).
        public var user: String
        public var password: String?
        /// A file (mode 0600) holding the password, read at connect; preferred to `password`, so
        /// the configuration itself carries no secret.
        public var passwordFile: String?
        /// TLS to a server reached over TCP (docs/API.md says nothing of it: an operator's choice).
        public var tls: DatabaseTLS?
        public init(
            name: String, socket: String?, host: String? = nil, port: Int? = nil, user: String, password: String? = nil,
            passwordFile: String? = nil, tls: DatabaseTLS? = nil
        ) {
            self.name = name; self.socket = socket; self.host = host; self.port = port; self.user = user; self.password = password
            self.passwordFile = passwordFile; self.tls = tls
        }

        enum CodingKeys: String, CodingKey {
            case name, socket, host, port, user, password, tls
            case passwordFile = "password_file"
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
        case pool, accounts
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
        pool = try c.decodeIfPresent(ConnectionPoolConfiguration.self, forKey: .pool) ?? ConnectionPoolConfiguration()
        accounts = try c.decodeIfPresent(DatabaseAccounts.self, forKey: .accounts) ?? DatabaseAccounts()
    }
}
