import MariaDB
import PaygateCore

/// `paygate-admin check`: runs every `InvariantCheck` on every shard and adds
/// the answers up. Everything the checks compare is written in one local transaction on the
/// payment's shard, so each shard is read in one consistent snapshot: a payment changing while
/// the checker runs is seen wholly before or wholly after the change, never half, and a busy
/// stack can be checked without false alarms. Nothing is compared across shards.
public struct InvariantChecker {
    /// Violations kept (and printed) per check; all of them are counted.
    public static let violationsKeptMax = 20

    private let shards: ShardConnections
    private let checks: [InvariantCheck]

    public init(shards: ShardConnections) {
        self.shards = shards
        self.checks = InvariantCheck.all
    }

    /// The names of the checks, in the order they run and are reported.
    public var checkNames: [String] { checks.map(\.name) }

    /// Checks every shard it can read. A shard that cannot be read is listed in the report and
    /// the others are still checked: an operator wants every finding, and to know what was missed.
    public func run() -> InvariantReport {
        var report = InvariantReport(checks: checks.map { InvariantCheckReport(name: $0.name, rule: $0.rule) })
        for shard in 0..<shards.shardCount {
            let name = shards.shardNames[shard]
            do {
                let found = try check(shard: shard)
                for (index, result) in found.enumerated() {
                    report.checks[index].checkedCount += result.checkedCount
                    report.checks[index].violationCount += result.violationCount
                    let room = InvariantChecker.violationsKeptMax - report.checks[index].violations.count
                    report.checks[index].violations += result.violations.prefix(max(room, 0))
                }
                report.shardsRead.append(name)
            } catch {
                report.unreadableShards.append(UnreadableShard(shard: name, error: "\(error)"))
            }
        }
        return report
    }

    /// Every check on one shard, inside one read-only snapshot.
    private func check(shard: Int) throws -> [InvariantCheckReport] {
        let name = shards.shardNames[shard]
        return try shards.read(shard: shard) { connection in
            // REPEATABLE READ is what makes WITH CONSISTENT SNAPSHOT one snapshot for every
            // statement; set it for this transaction whatever the server's default is.
            try connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try connection.run("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            do {
                let counts = try tableCounts(connection)
                var results: [InvariantCheckReport] = []
                for check in checks {
                    var result = InvariantCheckReport(name: check.name, rule: check.rule)
                    result.checkedCount = check.tables.reduce(0) { $0 + (counts[$1] ?? 0) }
                    for query in check.queries {
                        let (total, violations) = try violations(of: query, check: check.name, shard: name, connection)
                        result.violationCount += total
                        result.violations += violations
                    }
                    results.append(result)
                }
                connection.rollback()
                return results
            } catch {
                connection.rollback()
                throw error
            }
        }
    }

    private func tableCounts(_ connection: Connection) throws -> [AuditedTable: Int] {
        let tables = AuditedTable.allCases
        let sql = "SELECT " + tables.map { "(SELECT COUNT(*) FROM \($0.rawValue))" }.joined(separator: ", ")
        guard let row = try connection.query(sql).first else { return [:] }
        var counts: [AuditedTable: Int] = [:]
        for (index, table) in tables.enumerated() { counts[table] = Int(row[index] ?? "") ?? 0 }
        return counts
    }

    /// The query's violating rows, at most `violationsKeptMax`, and how many there are in all:
    /// the window count is taken before the LIMIT, so one round trip answers both.
    private func violations(
        of query: ViolationQuery, check: String, shard: String, _ connection: Connection
    ) throws -> (total: Int, kept: [InvariantViolation]) {
        let sql = "SELECT violating.*, COUNT(*) OVER () AS violation_total FROM (\(query.sql)) AS violating ORDER BY 1, 2 LIMIT ?"
        let rows = try connection.query(sql, [.init(InvariantChecker.violationsKeptMax)])
        guard let first = rows.first else { return (0, []) }
        let total = Int(first.columns.last.flatMap { $0 } ?? "") ?? rows.count
        let kept = rows.map { row in
            let explained = query.explain(ViolationRow(columns: Array(row.columns.dropLast())))
            return InvariantViolation(check: check, shard: shard, ids: explained.ids, reason: explained.reason)
        }
        return (total, kept)
    }
}
