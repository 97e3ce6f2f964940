import MariaDB
import PaygateCore

/// The run rows, in the directory (sql/directory/0002): one per channel and statement day.
extension ReconStore {
    public func beginRun(channel: Channel, day: StatementDay, now: Timestamp) throws {
        _ = try shards.withDirectory { connection in
            try connection.execute(
                """
                INSERT INTO recon_runs (channel, statement_day, status, currency, started_at) VALUES (?, ?, 'running', 'CNY', ?)
                ON DUPLICATE KEY UPDATE status = 'running', runs = runs + 1, error = NULL, started_at = VALUES(started_at),
                                        finished_at = NULL
                """, [.text(channel.rawValue), .text(day.text), .text(now.databaseString)])
        }
    }

    public func finishRun(_ summary: ReconRunSummary, now: Timestamp) throws {
        let s = summary
        _ = try shards.withDirectory { connection in
            try connection.execute(
                """
                UPDATE recon_runs SET status = ?, file_path = ?, file_sha256 = ?, currency = ?,
                       statement_payments = ?, statement_paid = ?, statement_refunds = ?, statement_refunded = ?, statement_fees = ?,
                       local_payments = ?, local_paid = ?, local_refunds = ?, local_refunded = ?, local_fees = ?,
                       matched = ?, differences = ?, awaiting = ?, error = NULL, finished_at = ?
                 WHERE channel = ? AND statement_day = ?
                """,
                [
                    .text(s.status.rawValue), .init(s.filePath), .init(s.fileSHA256), .text(s.statementFees.currency.rawValue),
                    .init(s.statementPayments.count), .text(s.statementPayments.amount.signedDatabaseText), .init(s.statementRefunds.count),
                    .text(s.statementRefunds.amount.signedDatabaseText), .text(s.statementFees.signedDatabaseText),
                    .init(s.localPayments.count), .text(s.localPayments.amount.signedDatabaseText), .init(s.localRefunds.count),
                    .text(s.localRefunds.amount.signedDatabaseText), .text(s.localFees.signedDatabaseText), .init(s.matched),
                    .init(s.differences), .init(s.awaiting), .text(now.databaseString), .text(s.channel.rawValue), .text(s.day.text),
                ])
        }
    }

    public func failRun(channel: Channel, day: StatementDay, error: String, now: Timestamp) throws {
        _ = try shards.withDirectory { connection in
            try connection.execute(
                "UPDATE recon_runs SET status = 'failed', error = ?, finished_at = ? WHERE channel = ? AND statement_day = ?",
                [.text(String(error.prefix(512))), .text(now.databaseString), .text(channel.rawValue), .text(day.text)])
        }
    }

    public func runs(day: StatementDay?, channel: Channel?) throws -> [ReconRunSummary] {
        var conditions: [String] = []
        var parameters: [DatabaseValue] = []
        if let day { conditions.append("statement_day = ?"); parameters.append(.text(day.text)) }
        if let channel { conditions.append("channel = ?"); parameters.append(.text(channel.rawValue)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try shards.withDirectory { connection in
            try connection.query(
                """
                SELECT channel, statement_day, status, runs, file_path, file_sha256, currency, statement_payments, statement_paid,
                       statement_refunds, statement_refunded, statement_fees, local_payments, local_paid, local_refunds, local_refunded, local_fees,
                       matched, differences, awaiting, error, started_at
                  FROM recon_runs \(whereClause) ORDER BY statement_day, channel
                """, parameters)
        }
        return try rows.map(run)
    }

    private func run(_ row: DatabaseRow) throws -> ReconRunSummary {
        guard let channel = row[0].flatMap(Channel.init(rawValue:)), let day = row[1].flatMap(StatementDay.init),
            let status = row[2].flatMap(ReconRunSummary.Status.init(rawValue:)), let currency = row[6].flatMap(Currency.init(rawValue:))
        else { throw StorageError.corrupt(shard: "directory", detail: "recon_runs row \(row[0] ?? "-") \(row[1] ?? "-")") }
        let money = { (index: Int) in
            row[index].flatMap { Money(signedDatabaseText: $0, currency: currency) } ?? Money(minorUnits: 0, currency: currency)
        }
        let count = { (index: Int) in row[index].flatMap { Int($0) } ?? 0 }
        var summary = ReconRunSummary(channel: channel, day: day, status: status, currency: currency)
        summary.runs = count(3)
        summary.filePath = row[4]
        summary.fileSHA256 = row[5]
        summary.statementPayments.count = count(7)
        summary.statementPayments.amount = money(8)
        summary.statementRefunds.count = count(9)
        summary.statementRefunds.amount = money(10)
        summary.statementFees = money(11)
        summary.localPayments.count = count(12)
        summary.localPayments.amount = money(13)
        summary.localRefunds.count = count(14)
        summary.localRefunds.amount = money(15)
        summary.localFees = money(16)
        summary.matched = count(17)
        summary.differences = count(18)
        summary.awaiting = count(19)
        summary.error = row[20]
        summary.startedAt = row[21].flatMap(Timestamp.init(parsing:))
        return summary
    }
}
