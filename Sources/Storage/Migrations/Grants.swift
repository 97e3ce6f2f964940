import PaygateCore

/// What the application and read-only accounts may do on one database's tables, as GRANT
/// statements the migration account runs (it holds the databases' rights WITH GRANT OPTION).
///
/// The application account (the pool, the worker, the admin commands that write) gets DML on
/// every table but SELECT and INSERT only on the append-only tables: a history row, a journal
/// line, a webhook attempt or an audit record, once written, cannot be changed or removed by any
/// paygate process, so "append-only" is MariaDB's rule, not a convention. It gets EXECUTE for
/// the stored procedures (which run with their definer's, the migration account's, rights) and
/// nothing on `schema_migrations`. The read-only account (the invariant checker, reports) gets
/// SELECT on the whole database and nothing else.
public enum Grants {
    /// Tables whose rows are evidence. A new append-only table is added here; the grants follow
    /// at the next `paygate-admin migrate`. Names not present in a database are skipped.
    public static let appendOnlyTables: Set<String> = [
        "payment_status_history", "refund_status_history", "journal_entries", "journal_lines", "webhook_attempts",
        "audit_log", "risk_blocks",
    ]
    /// The migrator's own bookkeeping: no other account touches it.
    static let migrationsTable = "schema_migrations"
    static let appendOnlyPrivileges = "SELECT, INSERT"
    static let dataPrivileges = "SELECT, INSERT, UPDATE, DELETE"
    /// MariaDB user names are at most 128 characters; ours are plain words.
    static let nameBytesMax = 128

    /// The statements for `database` holding `tables`, in a stable order (sorted by table).
    public static func statements(
        database: String, tables: [String], application: String, readOnly: String?, host: String
    ) throws(ConfigurationError) -> [String] {
        for name in [database, application] + tables + (readOnly.map { [$0] } ?? []) where !isPlainName(name) {
            throw ConfigurationError("'\(name)' is not a plain name (letters, digits and _): refused in a GRANT")
        }
        guard !host.isEmpty, host.utf8.count <= nameBytesMax,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".%_-:".contains($0)) })
        else {
            throw ConfigurationError("database.accounts.host '\(host)' must be a host name, address or pattern")
        }
        let applicationAccount = "'\(application)'@'\(host)'"
        var statements = ["GRANT EXECUTE ON `\(database)`.* TO \(applicationAccount)"]
        for table in tables.sorted() where table != migrationsTable {
            let privileges = appendOnlyTables.contains(table) ? appendOnlyPrivileges : dataPrivileges
            statements.append("GRANT \(privileges) ON `\(database)`.`\(table)` TO \(applicationAccount)")
        }
        if let readOnly { statements.append("GRANT SELECT ON `\(database)`.* TO '\(readOnly)'@'\(host)'") }
        return statements
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= nameBytesMax
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
