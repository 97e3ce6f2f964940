import Glibc
import MariaDB
import PaygateCore
import Synchronization

/// The database connections of one process: a bounded, first-come-first-served pool per shard
/// database and one for the directory (`ResourcePool`), shared by all of the process's threads.
/// A connection is borrowed for one transaction (or one autocommit statement) and given back at
/// once, so it is never held across a channel call or any other outbound I/O, and however many
/// requests a process serves, it holds at most `connectionsPerShard` connections per shard.
///
/// - A borrower that finds no connection within `connectionWaitMilliseconds` gets
///   `StorageError.exhausted` (503 `service_unavailable`, nothing written).
/// - A broken connection (the server closed it, a statement lost it) is closed and its place
///   freed, never lent again; an idle one the server closed is noticed with one poll before use.
/// - A shard whose connect failed is not tried again for `reconnectBackoffMilliseconds`, so a dead
///   server costs requests one quick 503, not a connect timeout each.
public final class ShardConnections: @unchecked Sendable {
    // @unchecked: the pools are thread-safe, the rest is immutable except `failedAt`, a Mutex.
    public static let reconnectBackoffMilliseconds: Int64 = 250
    /// Deadlocks (1213) roll back the whole transaction; retrying it is the documented remedy.
    public static let deadlockRetryCountMax = DatabaseConfiguration.transactionAttemptsMax

    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
    }

    public let map: ShardMap
    public let shardNames: [String]
    private let shardOptions: [ConnectionOptions]
    private let shardPools: [ResourcePool<Connection>]
    private let directoryOptions: ConnectionOptions
    private let directoryPool: ResourcePool<Connection>
    /// When each shard's last connect failed (index `shardCount` is the directory), ms since epoch.
    private let failedAt: Mutex<[Int64]>

    public init(configuration: DatabaseConfiguration) throws {
        map = try ShardMap(configuration)
        shardNames = configuration.shards.map(\.name)
        // Passwords are read from their files once, here: a process never reads them again.
        func options(server name: String, database: String) throws -> ConnectionOptions {
            try ServerConnectionOptions.make(configuration, server: name, database: database)
        }
        let pool = configuration.pool
        shardOptions = try configuration.shards.map { try options(server: $0.server, database: $0.database) }
        shardPools = configuration.shards.map { _ in
            ResourcePool(capacity: pool.connectionsPerShard, waitMillisecondsMax: pool.connectionWaitMilliseconds)
        }
        directoryOptions = try options(server: configuration.directory.server, database: configuration.directory.database)
        directoryPool = ResourcePool(capacity: pool.directoryConnections, waitMillisecondsMax: pool.connectionWaitMilliseconds)
        failedAt = Mutex(Array(repeating: 0, count: configuration.shards.count + 1))
        Connection.initializeLibraryOnce()
    }

    public var shardCount: Int { shardPools.count }

    public func shardIndex(forSlot slot: Int) -> Int { map.shardIndex(forSlot: slot) }

    /// Runs `body` inside one transaction on one shard. Deadlocks are retried whole (on a
    /// connection borrowed afresh, after a pause spent holding none); connection failures become
    /// `unavailable`; anything thrown by `body` that is not a database error rolls back and
    /// passes through unchanged. `isolation` applies to this transaction only (every attempt).
    public func transaction<T>(shard index: Int, isolation: IsolationLevel? = nil, _ body: (Connection) throws -> T) throws -> T {
        try retryingDeadlocks(shard: index) {
            try self.withConnection(shard: index) { connection in
                do {
                    if let isolation { try connection.run("SET TRANSACTION ISOLATION LEVEL \(isolation.rawValue)") }
                    try connection.begin()
                    let result = try body(connection)
                    try connection.commit()
                    return result
                } catch {
                    connection.rollback()
                    throw error
                }
            }
        }
    }

    /// One autocommit statement (a read, or a procedure that runs its own transaction).
    /// A deadlock rolled the procedure's transaction back whole, so it is retried whole.
    public func withDeadlockRetry<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        try retryingDeadlocks(shard: index) { try self.read(shard: index, body) }
    }

    /// A read outside an explicit transaction (autocommit), or several statements that must see
    /// one connection (a snapshot the body opens and closes itself).
    public func read<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        try withConnection(shard: index, body)
    }

    /// A read that may reconnect at once, even while the shard is backing off: used to learn the
    /// outcome of a write whose connection broke (the write may have committed).
    public func readNow<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        failedAt.withLock { $0[index] = 0 }
        return try read(shard: index, body)
    }

    /// Pings every shard; returns the names of those that do not answer.
    public func unreachableShards() -> [String] {
        (0..<shardCount).compactMap { index in
            (try? read(shard: index) { connection in try connection.ping() }) == nil ? shardNames[index] : nil
        }
    }

    /// Runs `body` on a directory connection (autocommit); failures become
    /// `unavailable(shard: "directory")`.
    public func withDirectory<T>(_ body: (Connection) throws -> T) throws -> T {
        try borrowed(directoryPool, options: directoryOptions, failureIndex: shardCount, name: "directory", body)
    }

    /// Whether the directory answers a ping.
    public func directoryAnswers() -> Bool {
        (try? withDirectory { connection in try connection.ping() }) != nil
    }

    // MARK: - Borrowing

    private func withConnection<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        try borrowed(shardPools[index], options: shardOptions[index], failureIndex: index, name: shardNames[index], body)
    }

    /// Borrows a connected connection, runs `body`, gives it back (or drops it when it broke),
    /// and names database errors by shard.
    private func borrowed<T>(
        _ pool: ResourcePool<Connection>, options: ConnectionOptions, failureIndex: Int, name: String,
        _ body: (Connection) throws -> T
    ) throws -> T {
        let connection = try connected(pool, options: options, failureIndex: failureIndex, name: name)
        defer { pool.giveBack(connection.isConnected ? connection : nil) }
        do {
            return try body(connection)
        } catch let error as DatabaseError {
            throw classify(error, connection: connection, failureIndex: failureIndex, name: name)
        }
    }

    private func connected(
        _ pool: ResourcePool<Connection>, options: ConnectionOptions, failureIndex: Int, name: String
    ) throws(StorageError) -> Connection {
        let connection: Connection
        do {
            switch try pool.borrow() {
            case .existing(let idle):
                idle.dropIfClosedByServer()
                connection = idle
            case .mustOpen:
                connection = Connection(options: options)
            }
        } catch {
            throw StorageError.exhausted(shard: name, waitedMilliseconds: error.waitedMilliseconds)
        }
        if connection.isConnected { return connection }
        let now = Timestamp.now().millisecondsSinceEpoch
        if now - failedAt.withLock({ $0[failureIndex] }) < ShardConnections.reconnectBackoffMilliseconds {
            pool.giveBack(nil)
            throw StorageError.unavailable(
                shard: name, underlying: DatabaseError(code: 2002, sqlState: "HY000", message: "recently failed; backing off"))
        }
        do {
            try connection.connect()
        } catch {
            failedAt.withLock { $0[failureIndex] = now }
            pool.giveBack(nil)
            throw StorageError.unavailable(shard: name, underlying: error)
        }
        return connection
    }

    private func classify(_ error: DatabaseError, connection: Connection, failureIndex: Int, name: String) -> StorageError {
        if error.isConnectionFailure || !connection.isConnected {
            connection.close()
            failedAt.withLock { $0[failureIndex] = Timestamp.now().millisecondsSinceEpoch }
            return .unavailable(shard: name, underlying: error)
        }
        if error.isLockWaitTimeout || error.isDeadlock {
            return .busy(shard: name, underlying: error)
        }
        return .database(shard: name, underlying: error)
    }

    private func retryingDeadlocks<T>(shard index: Int, _ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try body()
            } catch StorageError.busy(_, let underlying) where underlying.isDeadlock && attempt < ShardConnections.deadlockRetryCountMax {
                ShardConnections.pauseBeforeRetry(attempt: attempt)
            }
        }
    }

    /// Deadlocked transactions that retry at once tend to collide again: wait a few random
    /// milliseconds, more after each attempt.
    static let retryPauseMillisecondsMax = 20

    static func pauseBeforeRetry(attempt: Int) {
        let milliseconds = Int.random(in: 1...(retryPauseMillisecondsMax * attempt))
        usleep(useconds_t(milliseconds * 1000))
    }
}
