import MariaDB
import PaygateCrypto

/// Re-seals values at rest under the ring's current key while the system runs
/// (`paygate-admin keys rotate-master`). Rows are walked in primary-key order in batches of
/// `batchRowCountMax`; each value is opened under whichever key sealed it and written back by a
/// compare-and-set on the old value, so a row a request changed meanwhile (a secret rotated, an
/// answer stored) is left to that request, which sealed it under a current key itself. No lock
/// is held across a batch: requests never wait on a rotation.
public struct SealedValueRekeyer {
    public static let batchRowCountMax = 500

    let connections: ShardConnections
    let keys: KeyRing

    public init(connections: ShardConnections, keys: KeyRing) {
        self.connections = connections
        self.keys = keys
    }

    /// Re-seals every value of `column` not sealed under the current key (and seals values
    /// written before sealing began); returns how many rows it changed.
    public func rekey(_ column: SealedColumn) throws -> Int {
        guard column.isOnShards else { return try rekey(column, shard: nil) }
        return try (0..<connections.shardCount).reduce(0) { total, shard in total + (try rekey(column, shard: shard)) }
    }

    /// How many values of `column` are not sealed under the current key.
    public func countStale(_ column: SealedColumn) throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(column.table) WHERE \(staleCondition(column))"
        let targets: [Int?] = column.isOnShards ? Array(0..<connections.shardCount) : [nil]
        return try targets.reduce(0) { total, shard in
            total + (try on(shard) { connection in Int(try connection.query(sql).first?[0] ?? "0") ?? 0 })
        }
    }

    private func staleCondition(_ column: SealedColumn) -> String {
        "\(column.column) IS NOT NULL AND \(column.column) NOT LIKE '\(SealedText.hexPrefix(keyId: keys.currentKeyId))%'"
    }

    private func rekey(_ column: SealedColumn, shard: Int?) throws -> Int {
        let keyList = column.keyColumns.joined(separator: ", ")
        let placeholders = column.keyColumns.map { _ in "?" }.joined(separator: ", ")
        let keyMatch = column.keyColumns.map { "\($0) = ?" }.joined(separator: " AND ")
        var after: [String]?
        var changed = 0
        while true {
            let start = after.map { _ in "(\(keyList)) > (\(placeholders)) AND " } ?? ""
            let rows = try on(shard) { connection in
                try connection.query(
                    "SELECT \(keyList), \(column.column) FROM \(column.table) WHERE \(start)\(staleCondition(column)) ORDER BY \(keyList) LIMIT \(Self.batchRowCountMax)",
                    (after ?? []).map { .text($0) })
            }
            for row in rows {
                let key = try column.keyColumns.indices.map { try row.required($0) }
                let stored = try row.required(column.keyColumns.count)
                let associatedData = column.associatedData(key)
                let plaintext = try SealedText.open(stored, associatedData: associatedData, keys: keys, shard: column.table)
                let resealed = try SealedText.seal(plaintext, associatedData: associatedData, keys: keys)
                changed += try on(shard) { connection in
                    try connection.execute(
                        "UPDATE \(column.table) SET \(column.column) = ? WHERE \(keyMatch) AND \(column.column) = ?",
                        [.text(resealed)] + key.map { .text($0) } + [.text(stored)])
                }
                after = key
            }
            if rows.count < Self.batchRowCountMax { return changed }
        }
    }

    private func on<T>(_ shard: Int?, _ body: (Connection) throws -> T) throws -> T {
        guard let shard else { return try connections.withDirectory(body) }
        return try connections.read(shard: shard, body)
    }
}
