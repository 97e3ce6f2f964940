import MariaDB
import PaygateCore

/// The risk lists in the directory database (sql/directory/0005), which the rules name as
/// `@list`. Every change bumps `risk_lists_version` in the same transaction, so a process's copy
/// (`RiskListCache`) reads the lists again only when one changed.
public struct RiskListStore: Sendable {
    /// The payer values' own limit (docs/API.md section 5).
    public static let valueLengthMax = 128

    let connections: ShardConnections

    public init(connections: ShardConnections) { self.connections = connections }

    /// False when the value was already on the list.
    public func add(_ value: String, to list: String, actor: String) throws -> Bool {
        try change(
            "INSERT IGNORE INTO risk_list_entries (list_name, value, added_by, added_at) VALUES (?, ?, ?, ?)",
            [.text(list), .text(value), .text(actor), .text(Timestamp.now().databaseString)])
    }

    /// False when the value was not on the list.
    public func remove(_ value: String, from list: String) throws -> Bool {
        try change("DELETE FROM risk_list_entries WHERE list_name = ? AND value = ?", [.text(list), .text(value)])
    }

    public func show(_ list: String) throws -> [(value: String, addedBy: String, addedAt: String)] {
        try connections.withDirectory { connection in
            try connection.query(
                "SELECT value, added_by, added_at FROM risk_list_entries WHERE list_name = ? ORDER BY value", [.text(list)])
        }.map { row in (try row.required(0), try row.required(1), try row.required(2)) }
    }

    public func version() throws -> Int64 {
        let rows = try connections.withDirectory { connection in
            try connection.query("SELECT version FROM risk_lists_version WHERE id = 1")
        }
        return rows.first.flatMap { $0[0] }.flatMap { Int64($0) } ?? 0
    }

    /// Every list with its values, and the version they are at (one snapshot).
    public func loadAll() throws -> (lists: [String: Set<String>], version: Int64) {
        try connections.withDirectory { connection in
            _ = try connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            defer { _ = try? connection.execute("COMMIT") }
            let version = try connection.query("SELECT version FROM risk_lists_version WHERE id = 1").first.flatMap { $0[0] }
            var lists: [String: Set<String>] = [:]
            for row in try connection.query("SELECT list_name, value FROM risk_list_entries") {
                lists[try row.required(0), default: []].insert(try row.required(1))
            }
            return (lists, version.flatMap { Int64($0) } ?? 0)
        }
    }

    private func change(_ sql: String, _ parameters: [DatabaseValue]) throws -> Bool {
        try connections.withDirectory { connection in
            _ = try connection.execute("START TRANSACTION")
            do {
                let changed = try connection.execute(sql, parameters)
                if changed > 0 { _ = try connection.execute("UPDATE risk_lists_version SET version = version + 1 WHERE id = 1") }
                _ = try connection.execute("COMMIT")
                return changed > 0
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}
