import MariaDB
import PaygateCore

/// Reconciliation's records in MariaDB (sql/shard/0010, sql/directory/0002): what
/// `ReconStoring` promises, executed. Every query names the channel, so an index serves it.
public final class ReconStore: ReconStoring, @unchecked Sendable {
    let shards: ShardConnections

    public init(shards: ShardConnections) {
        self.shards = shards
    }

    public var shardCount: Int { shards.shardCount }
    public func shardIndex(forSlot slot: Int) -> Int { shards.shardIndex(forSlot: slot) }

    /// The columns of a payment as reconciliation reads it; the fee is the one posted when it
    /// succeeded (a later adjustment is the reconciliation's own doing, not what it compares).
    static let paymentColumns = """
        p.payment_id, p.merchant_id, p.amount, p.currency, p.status, p.paid_at, p.channel_txn_id,
        (SELECT COALESCE(SUM(l.amount), 0) FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.entry_id
          WHERE e.payment_id = p.payment_id AND e.kind = '\(LedgerEntryKind.paymentSucceeded.rawValue)' AND e.refund_id = ''
            AND l.account = ?) AS fee
        """
    static let refundColumns =
        "r.refund_id, r.payment_id, r.merchant_id, r.amount, r.currency, r.status, r.succeeded_at, r.channel_refund_id"

    /// An IN list of `count` ids, padded (with its last id) to the next power of two: a batch's
    /// share of a shard varies line by line, and a handful of statement texts keeps the
    /// connection's prepared statements few and reused.
    static func inList(_ ids: [String]) -> (marks: String, values: [DatabaseValue]) {
        var size = 1
        while size < ids.count { size *= 2 }
        let padded = ids + Array(repeating: ids[ids.count - 1], count: size - ids.count)
        return (Array(repeating: "?", count: size).joined(separator: ", "), padded.map { .text($0) })
    }

    public func localPayments(_ ids: [PaymentId], channel: Channel, shard: Int) throws -> [PaymentId: ReconLocalRecord] {
        guard !ids.isEmpty else { return [:] }
        let list = Self.inList(ids.map(\.text))
        let rows = try shards.read(shard: shard) { connection in
            try connection.query(
                "SELECT \(Self.paymentColumns) FROM payments p WHERE p.channel = ? AND p.payment_id IN (\(list.marks))",
                [.text(LedgerAccount.channelFees(channel).name), .text(channel.rawValue)] + list.values)
        }
        var records: [PaymentId: ReconLocalRecord] = [:]
        for row in rows {
            let record = try payment(row, shard: shard)
            records[record.paymentId] = record
        }
        return records
    }

    public func localRefunds(_ ids: [RefundId], channel: Channel, shard: Int) throws -> [RefundId: ReconLocalRecord] {
        guard !ids.isEmpty else { return [:] }
        let list = Self.inList(ids.map(\.text))
        let rows = try shards.read(shard: shard) { connection in
            try connection.query(
                "SELECT \(Self.refundColumns) FROM refunds r WHERE r.channel = ? AND r.refund_id IN (\(list.marks))",
                [.text(channel.rawValue)] + list.values)
        }
        var records: [RefundId: ReconLocalRecord] = [:]
        for row in rows {
            let record = try refund(row, shard: shard)
            if let id = record.refundId { records[id] = record }
        }
        return records
    }

    public func unlisted(
        _ kind: ReconKind, channel: Channel, day: StatementDay, shard: Int, after: ReconLocalRecord?, limit: Int
    ) throws -> [ReconLocalRecord] {
        let (table, alias, time, idColumn, statuses) =
            kind == .payment
            ? ("payments", "p", "paid_at", "payment_id", ["succeeded", "partially_refunded", "refunded"])
            : ("refunds", "r", "succeeded_at", "refund_id", ["succeeded"])
        let columns = kind == .payment ? Self.paymentColumns : Self.refundColumns
        var parameters: [DatabaseValue] = kind == .payment ? [.text(LedgerAccount.channelFees(channel).name)] : []
        parameters += [.text(channel.rawValue), .text(day.start.databaseString), .text(day.end.databaseString)]
        var page = ""
        if let after, let at = after.side.succeededAt {
            let id = kind == .payment ? after.paymentId.text : after.refundId?.text ?? ""
            page = "AND (\(alias).\(time) > ? OR (\(alias).\(time) = ? AND \(alias).\(idColumn) > ?))"
            parameters += [.text(at.databaseString), .text(at.databaseString), .text(id)]
        }
        parameters += [.text(kind.rawValue), .text(day.previous.text), .text(day.next.text), .init(limit)]
        let sql = """
            SELECT \(columns) FROM \(table) \(alias)
             WHERE \(alias).channel = ? AND \(alias).\(time) >= ? AND \(alias).\(time) < ?
               AND \(alias).status IN (\(statuses.map { "'\($0)'" }.joined(separator: ", "))) \(page)
               AND NOT EXISTS (SELECT 1 FROM recon_items i
                                WHERE i.\(idColumn) = \(alias).\(idColumn) AND i.kind = ? AND i.channel = \(alias).channel
                                  AND i.statement_day BETWEEN ? AND ? AND i.statement_amount IS NOT NULL)
             ORDER BY \(alias).\(time), \(alias).\(idColumn) LIMIT ?
            """
        let rows = try shards.read(shard: shard) { connection in try connection.query(sql, parameters) }
        return try rows.map { row in kind == .payment ? try payment(row, shard: shard) : try refund(row, shard: shard) }
    }

    // MARK: decoding

    func payment(_ row: DatabaseRow, shard: Int) throws -> ReconLocalRecord {
        guard let id = row[0].flatMap(PaymentId.init), let merchant = row[1], let currency = row[3].flatMap(Currency.init(rawValue:)),
            let amount = row[2].flatMap({ Money(databaseText: $0, currency: currency) }),
            let status = row[4].flatMap(PaymentStatus.init(rawValue:))
        else { throw StorageError.corrupt(shard: shards.shardNames[shard], detail: "payment \(row[0] ?? "-") for reconciliation") }
        let paid = status.isPaid
        let fee = paid ? row[7].flatMap { Money(signedDatabaseText: $0, currency: currency) } : nil
        let state: ReconLocalSide.State =
            switch status {
            case .succeeded, .partiallyRefunded, .refunded: .succeeded
            case .created, .processing: .pending
            case .failed: .failed
            case .closed: .closed
            }
        let side = ReconLocalSide(
            amount: amount, fee: fee, state: state, succeededAt: paid ? row[5].flatMap(Timestamp.init(parsing:)) : nil,
            status: status.rawValue)
        return ReconLocalRecord(
            kind: .payment, paymentId: id, refundId: nil, merchantId: merchant, channelTransactionId: row[6], side: side)
    }

    func refund(_ row: DatabaseRow, shard: Int) throws -> ReconLocalRecord {
        guard let id = row[0].flatMap(RefundId.init), let paymentId = row[1].flatMap(PaymentId.init), let merchant = row[2],
            let currency = row[4].flatMap(Currency.init(rawValue:)),
            let amount = row[3].flatMap({ Money(databaseText: $0, currency: currency) }), let status = row[5]
        else { throw StorageError.corrupt(shard: shards.shardNames[shard], detail: "refund \(row[0] ?? "-") for reconciliation") }
        let state: ReconLocalSide.State = ["succeeded": .succeeded, "failed": .failed][status] ?? .pending
        let side = ReconLocalSide(
            amount: amount, fee: nil, state: state, succeededAt: state == .succeeded ? row[6].flatMap(Timestamp.init(parsing:)) : nil,
            status: status)
        return ReconLocalRecord(
            kind: .refund, paymentId: paymentId, refundId: id, merchantId: merchant, channelTransactionId: row[7], side: side)
    }
}
