import Foundation
import MariaDB
import PaygateCore

/// Applies the numbered migrations in sql/ to the directory and to every shard database,
/// identically, recording each in `schema_migrations`. Append-only: an applied file is never
/// changed, only followed by a new number. It connects with the migration account
/// (`DatabaseConfiguration.using(.migration)`) and, when that account is configured, then grants
/// the application and read-only accounts their rights on every table (`Grants`), so a table a
/// migration adds is covered at once.
public struct Migrator {
    public let configuration: DatabaseConfiguration
    public let sqlDirectory: String
    public let log: Log

    public init(configuration: DatabaseConfiguration, sqlDirectory: String, log: Log) {
        self.configuration = configuration
        self.sqlDirectory = sqlDirectory
        self.log = log
    }

    public func run() throws {
        let directory = configuration.directory
        try migrate(server: directory.server, database: directory.database, folder: "directory")
        for shard in configuration.shards {
            try migrate(server: shard.server, database: shard.database, folder: "shard")
        }
    }

    private func migrate(server serverName: String, database: String, folder: String) throws {
        let connection = Connection(
            options: try ServerConnectionOptions.make(configuration.using(.migration), server: serverName, database: nil))
        defer { connection.close() }
        guard database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw ConfigurationError("database name \(database) must be letters, digits and _")
        }
        try connection.run("CREATE DATABASE IF NOT EXISTS `\(database)` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        try connection.run("USE `\(database)`")
        try connection.run(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
              name VARCHAR(128) NOT NULL PRIMARY KEY, applied_at DATETIME(3) NOT NULL
            ) ENGINE=InnoDB
            """)
        let applied = Set(try connection.query("SELECT name FROM schema_migrations").compactMap { $0[0] })
        let path = sqlDirectory + "/" + folder
        let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".sql") }.sorted()
        for file in files where !applied.contains(file) {
            let text = try String(contentsOfFile: path + "/" + file, encoding: .utf8)
            // DDL commits implicitly in MariaDB, so a migration is a list of statements applied
            // in order; each file is recorded once all of its statements have run.
            for statement in Migrator.statements(in: text) { try connection.run(statement) }
            try connection.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                [.text(file), .text(Timestamp.now().databaseString)])
            log.info("applied \(folder)/\(file) to \(serverName)/\(database)")
        }
        try grant(on: database, server: serverName, connection)
    }

    /// The application and read-only accounts' rights on `database`, granted again after every
    /// migration run (GRANT is idempotent). Nothing when no migration account is configured: the
    /// single account then owns everything, as before accounts existed.
    private func grant(on database: String, server serverName: String, _ connection: Connection) throws {
        guard configuration.accounts.migration != nil,
            let application = configuration.servers.first(where: { $0.name == serverName })?.user
        else { return }
        let tables = try connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
            [.text(database)]
        ).compactMap { $0[0] }
        let statements = try Grants.statements(
            database: database, tables: tables, application: application,
            readOnly: configuration.accounts.readOnly?.user, host: configuration.accounts.host)
        for statement in statements { try connection.run(statement) }
    }

    /// Splits a migration into statements on the delimiter at line ends (`;`, or what a
    /// `DELIMITER x` line sets, as the mariadb client does, for procedure bodies), dropping `--`
    /// comments. Migrations are written without delimiters or `--` inside string literals.
    static func statements(in text: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var delimiter = ";"
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var code = String(line)
            if let comment = code.range(of: "--") { code = String(code[..<comment.lowerBound]) }
            let trimmed = code.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.uppercased().hasPrefix("DELIMITER ") {
                delimiter = String(trimmed.dropFirst("DELIMITER ".count)).trimmingCharacters(in: .whitespaces)
                continue
            }
            current += code + "\n"
            if trimmed.hasSuffix(delimiter) {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                statements.append(String(statement.dropLast(delimiter.count)).trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { statements.append(current) }
        return statements
    }
}
