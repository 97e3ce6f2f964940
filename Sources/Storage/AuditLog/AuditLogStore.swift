import MariaDB
import PaygateCore
import PaygateCrypto

/// The audit log in the directory database (sql/directory/0004): appends and reads, nothing else.
/// It never updates or deletes a row (the application account may only INSERT there); the chain
/// rules are `AuditChain`'s.
public struct AuditLogStore: Sendable {
    /// A concurrent appender that took the same place makes the insert fail on the primary key
    /// (or deadlock on the head's lock): the append is retried on the new head this many times.
    public static let appendAttemptsMax = 8
    /// Rows read per statement when the whole log is walked.
    public static let readPageRowsMax = 1_000
    /// `audit list` prints at most this many rows unless told otherwise.
    public static let listRowsDefault = 100

    let connections: ShardConnections

    public init(connections: ShardConnections) { self.connections = connections }

    static let hash: AuditChain.Hash = { SHA256Digest.hash($0) }

    static let columns =
        "sequence, DATE_FORMAT(recorded_at, '%Y-%m-%d %H:%i:%s.%f'), actor, action, target, outcome, origin_host, origin_user, origin_process, details, prev_hash, record_hash"

    /// Appends `entries` in order, linked after the current head, in one transaction; returns
    /// the records as written (the last is the new head).
    @discardableResult
    public func append(_ entries: [AuditEntry]) throws -> [AuditRecord] {
        guard !entries.isEmpty else { return [] }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try appendOnce(entries)
            } catch let error as StorageError where attempt < Self.appendAttemptsMax && Self.isLostRace(error) {
                ShardConnections.pauseBeforeRetry(attempt: attempt)
            }
        }
    }

    private static func isLostRace(_ error: StorageError) -> Bool {
        switch error {
        case .database(_, let underlying): underlying.isDuplicateKey
        case .busy(_, let underlying): underlying.isDeadlock || underlying.isLockWaitTimeout
        default: false
        }
    }

    private func appendOnce(_ entries: [AuditEntry]) throws -> [AuditRecord] {
        try connections.withDirectory { connection in
            try connection.begin()
            do {
                // The head's lock serializes appenders; the primary key is the backstop.
                let rows = try connection.query(
                    "SELECT sequence, record_hash FROM audit_log ORDER BY sequence DESC LIMIT 1 FOR UPDATE")
                var head: (sequence: Int64, recordHash: String)? = nil
                if let row = rows.first {
                    guard let sequence = Int64(try row.required(0)) else {
                        throw StorageError.corrupt(shard: "directory", detail: "audit_log.sequence")
                    }
                    head = (sequence, try row.required(1))
                }
                let time = Timestamp.now().databaseString
                var written: [AuditRecord] = []
                for entry in entries {
                    let record = AuditChain.link(entry, after: head, time: time, hash: Self.hash)
                    try insert(record, on: connection)
                    written.append(record)
                    head = (record.sequence, record.recordHash)
                }
                try connection.commit()
                return written
            } catch {
                connection.rollback()
                throw error
            }
        }
    }

    private func insert(_ record: AuditRecord, on connection: Connection) throws {
        let entry = record.entry
        _ = try connection.execute(
            """
            INSERT INTO audit_log (sequence, recorded_at, actor, action, target, outcome, origin_host, origin_user, origin_process,
                details, prev_hash, record_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(record.sequence), .text(record.time), .text(entry.actor), .text(entry.action), .text(entry.target),
                .text(entry.outcome), .text(entry.origin.host), .text(entry.origin.user), .text(entry.origin.process),
                .text(entry.details), .text(record.previousHash), .text(record.recordHash),
            ])
    }

    /// The newest record's place and hash; nil when the log is empty.
    public func head() throws -> (sequence: Int64, recordHash: String)? {
        let rows = try connections.withDirectory { connection in
            try connection.query("SELECT sequence, record_hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        }
        guard let row = rows.first, let sequence = Int64(try row.required(0)) else { return nil }
        return (sequence, try row.required(1))
    }

    /// Every record, ordered by sequence, read in pages.
    public func all() throws -> [AuditRecord] {
        var records: [AuditRecord] = []
        while true {
            let after = records.last?.sequence ?? -1
            let rows = try connections.withDirectory { connection in
                try connection.query(
                    "SELECT \(Self.columns) FROM audit_log WHERE sequence > ? ORDER BY sequence LIMIT \(Self.readPageRowsMax)",
                    [.integer(after)])
            }
            records += try rows.map(Self.record)
            if rows.count < Self.readPageRowsMax { return records }
        }
    }

    /// The records that match every filter given, oldest first, at most `limit`.
    public func list(actor: String?, action: String?, since: Timestamp?, until: Timestamp?, limit: Int) throws -> [AuditRecord] {
        var conditions: [String] = []
        var parameters: [DatabaseValue] = []
        if let actor { conditions.append("actor = ?"); parameters.append(.text(actor)) }
        if let action { conditions.append("action = ?"); parameters.append(.text(action)) }
        if let since { conditions.append("recorded_at >= ?"); parameters.append(.text(since.databaseString)) }
        if let until { conditions.append("recorded_at < ?"); parameters.append(.text(until.databaseString)) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters.append(.integer(Int64(limit)))
        let rows = try connections.withDirectory { connection in
            try connection.query("SELECT \(Self.columns) FROM audit_log \(filter) ORDER BY sequence LIMIT ?", parameters)
        }
        return try rows.map(Self.record)
    }

    /// DATE_FORMAT's `%f` gives microseconds; the log keeps milliseconds (DATETIME(3)).
    static func record(_ row: DatabaseRow) throws -> AuditRecord {
        guard let sequence = Int64(try row.required(0)) else {
            throw StorageError.corrupt(shard: "directory", detail: "audit_log.sequence")
        }
        let time = String(try row.required(1).dropLast(3))
        let entry = AuditEntry(
            stored: try row.required(2), action: try row.required(3), target: try row.required(4), outcome: try row.required(5),
            origin: AuditOrigin(host: try row.required(6), user: try row.required(7), process: try row.required(8), stored: true),
            details: try row.required(9))
        return AuditRecord(
            sequence: sequence, time: time, entry: entry, previousHash: try row.required(10), recordHash: try row.required(11))
    }
}
