import Glibc
import MariaDB
import PaygateCore

/// The connections of one thread: one per shard database and one to the directory, opened on
/// first use. Not shared between threads. A shard whose connection failed is not retried for
/// `reconnectBackoffMilliseconds`, so a dead server costs requests one quick 503, not a timeout each.
public final class ShardConnections {
    public static let reconnectBackoffMilliseconds: Int64 = 250
    /// Deadlocks (1213) roll back the whole transaction; retrying it is the documented remedy.
    public static let deadlockRetryCountMax = DatabaseConfiguration.transactionAttemptsMax

    public let map: ShardMap
    public let shardNames: [String]
    private let shardConnections: [Connection]
    private var shardFailedAt: [Int64]
    public let directory: Connection
    private var directoryFailedAt: Int64 = 0

    public init(configuration: DatabaseConfiguration) throws {
        map = try ShardMap(configuration)
        shardNames = configuration.shards.map(\.name)
        func options(server name: String, database: String) -> ConnectionOptions {
            let server = configuration.servers.first(where: { $0.name == name })!
            return ConnectionOptions(
                socket: server.socket, host: server.host, port: server.port ?? 3306, user: server.user,
                password: server.password, database: database,
                connectTimeoutSeconds: configuration.connectTimeoutSeconds,
                readTimeoutSeconds: configuration.readTimeoutSeconds,
                writeTimeoutSeconds: configuration.writeTimeoutSeconds,
                lockWaitTimeoutSeconds: configuration.lockWaitTimeoutSeconds)
        }
        shardConnections = configuration.shards.map { Connection(options: options(server: $0.server, database: $0.database)) }
        shardFailedAt = Array(repeating: 0, count: configuration.shards.count)
        directory = Connection(options: options(server: configuration.directory.server, database: configuration.directory.database))
    }

    public var shardCount: Int { shardConnections.count }

    public func shardIndex(forSlot slot: Int) -> Int { map.shardIndex(forSlot: slot) }

    /// Runs `body` inside one transaction on one shard. Deadlocks are retried whole; connection
    /// failures become `unavailable`; anything thrown by `body` that is not a database error
    /// rolls back and passes through unchanged.
    public func transaction<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        let connection = try ready(shard: index)
        var attempt = 0
        while true {
            attempt += 1
            do {
                try connection.begin()
                let result = try body(connection)
                try connection.commit()
                return result
            } catch let error as DatabaseError {
                connection.rollback()
                if error.isDeadlock, attempt < ShardConnections.deadlockRetryCountMax {
                    ShardConnections.pauseBeforeRetry(attempt: attempt)
                    continue
                }
                throw classify(error, shard: index)
            } catch {
                connection.rollback()
                throw error
            }
        }
    }

    /// One autocommit statement (a read, or a procedure that runs its own transaction).
    /// A deadlock rolled the procedure's transaction back whole, so it is retried whole.
    public func withDeadlockRetry<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try read(shard: index, body)
            } catch StorageError.busy(_, let underlying) where underlying.isDeadlock && attempt < ShardConnections.deadlockRetryCountMax {
                ShardConnections.pauseBeforeRetry(attempt: attempt)
                continue
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

    /// A read outside an explicit transaction (autocommit).
    public func read<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        let connection = try ready(shard: index)
        do {
            return try body(connection)
        } catch let error as DatabaseError {
            throw classify(error, shard: index)
        }
    }

    /// Pings every shard; returns the names of those that do not answer.
    public func unreachableShards() -> [String] {
        var failing: [String] = []
        for index in 0..<shardCount {
            // ready() records a failed connect itself; only a ping that fails on an open
            // connection marks it here (re-marking a backing-off shard would keep it backing off).
            guard let connection = try? ready(shard: index) else { failing.append(shardNames[index]); continue }
            do { try connection.ping() } catch { failing.append(shardNames[index]); markFailed(index) }
        }
        return failing
    }

    /// A read that may reconnect at once, even while the shard is backing off: used to learn the
    /// outcome of a write whose connection broke (the write may have committed).
    public func readNow<T>(shard index: Int, _ body: (Connection) throws -> T) throws -> T {
        shardFailedAt[index] = 0
        return try read(shard: index, body)
    }

    private func ready(shard index: Int) throws(StorageError) -> Connection {
        let connection = shardConnections[index]
        connection.dropIfClosedByServer()
        if connection.isConnected { return connection }
        let now = Timestamp.now().millisecondsSinceEpoch
        if now - shardFailedAt[index] < ShardConnections.reconnectBackoffMilliseconds {
            throw StorageError.unavailable(shard: shardNames[index], underlying: DatabaseError(code: 2002, sqlState: "HY000", message: "recently failed; backing off"))
        }
        do {
            try connection.connect()
        } catch {
            shardFailedAt[index] = now
            throw StorageError.unavailable(shard: shardNames[index], underlying: error)
        }
        return connection
    }

    private func markFailed(_ index: Int) {
        shardConnections[index].close()
        shardFailedAt[index] = Timestamp.now().millisecondsSinceEpoch
    }

    private func classify(_ error: DatabaseError, shard index: Int) -> StorageError {
        if error.isConnectionFailure || !shardConnections[index].isConnected {
            markFailed(index)
            return .unavailable(shard: shardNames[index], underlying: error)
        }
        if error.isLockWaitTimeout || error.isDeadlock {
            return .busy(shard: shardNames[index], underlying: error)
        }
        return .database(shard: shardNames[index], underlying: error)
    }

    /// The directory connection, connected; failures become `unavailable(shard: "directory")`.
    public func directoryConnection() throws(StorageError) -> Connection {
        directory.dropIfClosedByServer()
        if directory.isConnected { return directory }
        let now = Timestamp.now().millisecondsSinceEpoch
        if now - directoryFailedAt < ShardConnections.reconnectBackoffMilliseconds {
            throw StorageError.unavailable(shard: "directory", underlying: DatabaseError(code: 2002, sqlState: "HY000", message: "recently failed; backing off"))
        }
        do { try directory.connect() } catch {
            directoryFailedAt = now
            throw StorageError.unavailable(shard: "directory", underlying: error)
        }
        return directory
    }
}
