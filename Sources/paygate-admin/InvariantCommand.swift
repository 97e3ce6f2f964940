import PaygateCore
import Storage

/// `paygate-admin check`: every invariant on every shard. Prints one line per
/// check, `ok|FAIL <check>: <n> checked, <v> violations`, then each violation kept (indented:
/// shard, ids, reason), a line per shard that could not be read, and a summary line.
/// Exit status: 0 clean, 1 any violation, 2 a shard could not be read (the answer is incomplete,
/// whatever else was found).
@MainActor func checkCommand() throws {
    let connections = try ShardConnections(configuration: auditDatabaseConfiguration())
    let report = InvariantChecker(shards: connections).run()
    for check in report.checks {
        print("\(check.isClean ? "ok" : "FAIL") \(check.name): \(check.checkedCount) checked, \(check.violationCount) violations")
        if check.isClean { continue }
        print("    rule: \(check.rule)")
        for violation in check.violations { print("    \(violation)") }
        if check.violationCount > check.violations.count {
            print("    ... and \(check.violationCount - check.violations.count) more")
        }
    }
    for unreadable in report.unreadableShards {
        print("ERROR \(unreadable.shard) could not be read, nothing on it was checked: \(unreadable.error)")
    }
    let failing = report.checks.filter { !$0.isClean }.count
    let shards = "\(report.shardsRead.count) of \(report.shardsRead.count + report.unreadableShards.count) shards"
    if !report.isComplete {
        let names = report.unreadableShards.map(\.shard).joined(separator: ", ")
        print(
            "INCOMPLETE: \(report.violationCount) violations in \(failing) of \(report.checks.count) checks on \(shards); unreadable: \(names)"
        )
        fail("check incomplete: cannot read \(names)", code: 2)
    }
    if report.violationCount > 0 {
        print("FAIL: \(report.violationCount) violations in \(failing) of \(report.checks.count) checks on \(shards)")
        fail("check found \(report.violationCount) violations", code: 1)
    }
    print("ok: \(report.checks.count) checks, 0 violations on \(shards)")
}

/// The request path's read timeout (10 s by default) is meant for single-row statements; an
/// audit's whole-table GROUP BY on a large shard runs longer (all checks take about a minute for
/// 300 000 payments on one shard of this 2-core machine under load) and must not be cut off.
let auditReadTimeoutSeconds = 1_800

/// The checker and the reports read through the read-only account: they cannot change what
/// they check (README "Database accounts").
@MainActor func auditDatabaseConfiguration() -> DatabaseConfiguration {
    var database = configuration.database.using(.readOnly)
    database.readTimeoutSeconds = max(database.readTimeoutSeconds, auditReadTimeoutSeconds)
    return database
}
