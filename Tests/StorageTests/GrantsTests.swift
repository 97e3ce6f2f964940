import XCTest

@testable import Storage

/// The application account's rights as fixed vectors: DML on ordinary tables, SELECT + INSERT
/// only on the append-only ones, nothing on the migrator's own table, SELECT for the reader.
final class GrantsTests: XCTestCase {
    func testAppendOnlyTablesGetSelectAndInsertOnly() throws {
        let statements = try Grants.statements(
            database: "paygate_shard_0",
            tables: ["payments", "journal_lines", "schema_migrations", "payment_status_history", "webhook_attempts"],
            application: "paygate_app", readOnly: "paygate_read", host: "localhost")
        XCTAssertEqual(
            statements,
            [
                "GRANT EXECUTE ON `paygate_shard_0`.* TO 'paygate_app'@'localhost'",
                "GRANT SELECT, INSERT ON `paygate_shard_0`.`journal_lines` TO 'paygate_app'@'localhost'",
                "GRANT SELECT, INSERT ON `paygate_shard_0`.`payment_status_history` TO 'paygate_app'@'localhost'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `paygate_shard_0`.`payments` TO 'paygate_app'@'localhost'",
                "GRANT SELECT, INSERT ON `paygate_shard_0`.`webhook_attempts` TO 'paygate_app'@'localhost'",
                "GRANT SELECT ON `paygate_shard_0`.* TO 'paygate_read'@'localhost'",
            ])
    }

    func testEveryEvidenceTableIsAppendOnly() {
        for table in [
            "payment_status_history", "refund_status_history", "journal_entries", "journal_lines", "webhook_attempts", "audit_log",
        ] {
            XCTAssertTrue(Grants.appendOnlyTables.contains(table), table)
        }
        XCTAssertFalse(Grants.appendOnlyTables.contains("payments"))
    }

    func testNoReadOnlyAccountMeansNoSelectGrant() throws {
        let statements = try Grants.statements(
            database: "paygate_directory", tables: ["merchants"], application: "app", readOnly: nil, host: "10.0.0.%")
        XCTAssertEqual(
            statements,
            [
                "GRANT EXECUTE ON `paygate_directory`.* TO 'app'@'10.0.0.%'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `paygate_directory`.`merchants` TO 'app'@'10.0.0.%'",
            ])
    }

    func testNamesThatCouldBreakOutOfTheStatementAreRefused() {
        XCTAssertThrowsError(
            try Grants.statements(database: "d", tables: ["t`; DROP"], application: "app", readOnly: nil, host: "localhost"))
        XCTAssertThrowsError(
            try Grants.statements(database: "d", tables: ["t"], application: "app'@'%", readOnly: nil, host: "localhost"))
        XCTAssertThrowsError(try Grants.statements(database: "d", tables: ["t"], application: "app", readOnly: nil, host: "a'b"))
        XCTAssertThrowsError(try Grants.statements(database: "d", tables: ["t"], application: "app", readOnly: nil, host: ""))
    }
}
