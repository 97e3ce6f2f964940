/// An error from MariaDB Connector/C, read at once from the handle that produced it.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// `mysql_errno` / `mysql_stmt_errno`; 0 for errors raised by this wrapper itself.
    public let code: UInt32
    public let sqlState: String
    public let message: String

    public init(code: UInt32, sqlState: String, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String { "MariaDB error \(code) (\(sqlState)): \(message)" }

    /// 1062: a unique key already holds this value; the tool for idempotency.
    public var isDuplicateKey: Bool { code == 1062 }
    /// 1213: the whole transaction was rolled back; retry all of it.
    public var isDeadlock: Bool { code == 1213 }
    /// 1205: only the statement was rolled back; roll back, then retry.
    public var isLockWaitTimeout: Bool { code == 1205 }

    /// The server is unreachable or the connection broke: the connection must be dropped, and
    /// a COMMIT that failed this way has an unknown outcome.
    /// The connection broke after a statement may have reached the server (lost mid-exchange),
    /// as opposed to a connect that failed, where nothing was sent. Only then is a write's
    /// outcome unknown and worth resolving by business key.
    public var mayHaveReachedServer: Bool {
        switch code {
        case 2006, 2013, 2055: true
        default: false
        }
    }

    public var isConnectionFailure: Bool {
        switch code {
        // 2014 (commands out of sync) and 2027 (malformed packet) leave the protocol state
        // unknown: the connection cannot be trusted either.
        case 2002, 2003, 2005, 2006, 2011, 2012, 2013, 2014, 2026, 2027, 2048, 2055, 1053, 1927, 4031: true
        default: false
        }
    }
}
