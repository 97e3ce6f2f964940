import CMariaDB
import Glibc

/// One connection to one MariaDB server, owned by one thread. Prepared statements are cached per
/// SQL text for the life of the connection. Auto-reconnect stays off: after a connection failure
/// the caller drops the connection (`close()`), and the next use reconnects between transactions.
public final class Connection {
    /// Statement cache bound: a fixed set of SQL texts is expected; this only stops a leak.
    public static let statementCacheCountMax = 256

    public let options: ConnectionOptions
    private var handle: UnsafeMutablePointer<MYSQL>?
    private var statements: [String: PreparedStatement] = [:]

    public init(options: ConnectionOptions) {
        self.options = options
        Connection.initializeLibraryOnce()
    }

    deinit { close() }

    /// `mysql_library_init` is a macro; this is the function it names. Must run before threads
    /// create connections; calling it again is harmless.
    public static func initializeLibraryOnce() {
        _ = libraryInitialized
    }

    private static let libraryInitialized: Bool = {
        mysql_server_init(0, nil, nil) == 0
    }()

    public var isConnected: Bool { handle != nil }

    /// Drops a connection that the server has closed while it sat idle (a restart, a timeout):
    /// an idle connection must have nothing to read, so a readable socket means an error packet
    /// or EOF. One poll(2), no round trip; it saves the first request after a database restart
    /// from failing on a dead connection.
    public func dropIfClosedByServer() {
        guard let handle else { return }
        var descriptor = pollfd(fd: Int32(mysql_get_socket(handle)), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) != 0 { close() }
    }

    public func connect() throws(DatabaseError) {
        if handle != nil { return }
        guard let mysql = mysql_init(nil) else {
            throw DatabaseError(code: 2008, sqlState: "HY000", message: "mysql_init failed (out of memory)")
        }
        var connectTimeout = UInt32(options.connectTimeoutSeconds)
        var readTimeout = UInt32(options.readTimeoutSeconds)
        var writeTimeout = UInt32(options.writeTimeoutSeconds)
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &writeTimeout)
        // Every timestamp we write and read is UTC; strict mode refuses silent truncation.
        // Lock waits end (error 1205) well before the read timeout, so the client always learns
        // the outcome of its own statements.
        mysql_options(
            mysql, MYSQL_INIT_COMMAND,
            "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION', innodb_lock_wait_timeout = \(options.lockWaitTimeoutSeconds)"
        )
        mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        if let tls = options.tls { Connection.applyTLS(tls, to: mysql) }
        let host = options.socket != nil ? "localhost" : (options.host ?? "127.0.0.1")
        let connected = mysql_real_connect(
            mysql, host, options.user, options.password, options.database,
            UInt32(options.port), options.socket, UInt(CLIENT_MULTI_RESULTS))
        guard connected != nil else {
            let error = Connection.error(of: mysql)
            mysql_close(mysql)
            throw error
        }
        handle = mysql
    }

    public func close() {
        for statement in statements.values { statement.close() }
        statements.removeAll()
        if let handle { mysql_close(handle) }
        handle = nil
    }

    /// Runs a statement that returns no rows; returns the affected row count.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [DatabaseValue] = []) throws(DatabaseError) -> Int {
        let statement = try prepared(sql)
        return try guarded { () throws(DatabaseError) in try statement.execute(parameters) }
    }

    /// Runs a statement and returns all of its rows.
    public func query(_ sql: String, _ parameters: [DatabaseValue] = []) throws(DatabaseError) -> [DatabaseRow] {
        let statement = try prepared(sql)
        return try guarded { () throws(DatabaseError) in try statement.query(parameters) }
    }

    /// Plain text-protocol statement for control commands (BEGIN, COMMIT, DDL, migrations).
    public func run(_ sql: String) throws(DatabaseError) {
        try connect()
        guard let handle else { return }
        let status = sql.withCString { mysql_real_query(handle, $0, UInt(sql.utf8.count)) }
        if status != 0 { throw fail(Connection.error(of: handle)) }
        // Drain any result set so the connection stays usable.
        if let result = mysql_store_result(handle) { mysql_free_result(result) }
    }

    public func begin() throws(DatabaseError) { try run("START TRANSACTION") }
    public func commit() throws(DatabaseError) { try run("COMMIT") }

    /// Rolls back and never throws: a rollback that fails means the connection is gone, and the
    /// server rolls the transaction back itself when it notices.
    public func rollback() {
        guard let handle else { return }
        if mysql_real_query(handle, "ROLLBACK", 8) != 0 { close() }
    }

    /// Cheap liveness check without reconnecting.
    public func ping() throws(DatabaseError) {
        try connect()
        guard let handle else { return }
        if mysql_ping(handle) != 0 { throw fail(Connection.error(of: handle)) }
    }

    private func prepared(_ sql: String) throws(DatabaseError) -> PreparedStatement {
        try connect()
        if let cached = statements[sql] { return cached }
        guard let handle else { throw DatabaseError(code: 2006, sqlState: "HY000", message: "not connected") }
        if statements.count >= Connection.statementCacheCountMax {
            for statement in statements.values { statement.close() }
            statements.removeAll()
        }
        let statement: PreparedStatement
        do { statement = try PreparedStatement(connection: handle, sql: sql) } catch { throw fail(error) }
        statements[sql] = statement
        return statement
    }

    /// Drops the connection when the error says it is broken, then rethrows.
    private func guarded<T>(_ body: () throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        do { return try body() } catch { throw fail(error) }
    }

    private func fail(_ error: DatabaseError) -> DatabaseError {
        if error.isConnectionFailure { close() }
        return error
    }

    static func error(of mysql: UnsafeMutablePointer<MYSQL>) -> DatabaseError {
        DatabaseError(
            code: mysql_errno(mysql),
            sqlState: String(cString: mysql_sqlstate(mysql)),
            message: String(cString: mysql_error(mysql)))
    }
}
