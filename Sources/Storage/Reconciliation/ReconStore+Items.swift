import MariaDB
import PaygateCore
import PaygateCrypto

extension ReconStore {
    static let itemColumnNames = [
        "item_id", "channel", "statement_day", "kind", "reference", "payment_id", "refund_id", "class", "state", "currency",
        "statement_amount", "statement_fee", "statement_status", "local_amount", "local_fee", "local_status", "note", "resolved_by",
    ]
    static let itemColumns = itemColumnNames.joined(separator: ", ")

    /// Items written per INSERT: one round trip for most of a batch's share of a shard. The rest
    /// goes in INSERTs of power-of-two sizes, so a few statement texts serve every batch.
    static let rowsPerStatementMax = 256

    public func record(_ items: [ReconItemDraft], shard: Int, now: Timestamp) throws {
        guard !items.isEmpty else { return }
        try shards.transaction(shard: shard) { connection in
            var start = 0
            while start < items.count {
                var size = Self.rowsPerStatementMax
                while size > items.count - start { size /= 2 }
                try upsert(items[start..<(start + size)], now: now, connection)
                start += size
            }
            for item in items {
                if let difference = item.outcome.feeDifference, let paymentId = item.paymentId, let merchantId = item.merchantId {
                    try postFeeDifferenceOnce(difference, paymentId: paymentId, merchantId: merchantId, item: item, now: now, connection)
                }
            }
        }
    }

    /// A rerun writes the same row again. The item keeps an earlier settlement (paygate's or an
    /// admin's) when the result is the same or has become `matched` since (the difference was
    /// dealt with); otherwise the new result replaces it. MariaDB applies the assignments left to
    /// right, each seeing the ones before: `keep` is read before state and class change.
    private func upsert(_ items: ArraySlice<ReconItemDraft>, now: Timestamp, _ connection: Connection) throws {
        let keep = "(state IN ('settled', 'resolved') AND (class = VALUES(class) OR VALUES(class) = 'matched'))"
        var parameters: [DatabaseValue] = []
        parameters.reserveCapacity(items.count * 20)
        for item in items {
            let id = ReconItemId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: item.slot, random: try SecureRandom.uint64())
            let statement = item.statement
            let local = item.local
            parameters += [
                .text(id.text), .text(item.channel.rawValue), .text(item.day.text), .text(item.kind.rawValue), .text(item.reference),
                .init(item.paymentId?.text), .init(item.refundId?.text), .init(item.slot), .text(item.outcome.reconClass.rawValue),
                .text(item.outcome.state.rawValue), .text(item.currency.rawValue), .init(statement?.amount.databaseText),
                .init(statement?.fee.databaseText), .init(statement?.status.rawValue), .init(local?.amount.databaseText),
                .init(local?.fee?.signedDatabaseText), .init(local?.status), .init(item.channelTransactionId),
                .text(now.databaseString), .text(now.databaseString),
            ]
        }
        let row = "(" + Array(repeating: "?", count: 20).joined(separator: ", ") + ")"
        try connection.execute(
            """
            INSERT INTO recon_items (item_id, channel, statement_day, kind, reference, payment_id, refund_id, slot, class, state, currency,
                                     statement_amount, statement_fee, statement_status, local_amount, local_fee, local_status,
                                     channel_txn_id, created_at, updated_at)
            VALUES \(Array(repeating: row, count: items.count).joined(separator: ", "))
            ON DUPLICATE KEY UPDATE
                note = IF(\(keep), note, NULL), resolved_by = IF(\(keep), resolved_by, NULL),
                state = IF(\(keep), state, VALUES(state)), class = IF(state IN ('settled', 'resolved'), class, VALUES(class)),
                payment_id = VALUES(payment_id), refund_id = VALUES(refund_id),
                statement_amount = VALUES(statement_amount), statement_fee = VALUES(statement_fee),
                statement_status = VALUES(statement_status), local_amount = VALUES(local_amount), local_fee = VALUES(local_fee),
                local_status = VALUES(local_status), channel_txn_id = VALUES(channel_txn_id), updated_at = VALUES(updated_at)
            """, parameters)
    }

    /// The statement's fee is what the channel kept: the difference is posted once per payment
    /// (and once per refund for a returned fee), however often its day is reconciled again. No
    /// lock on the journal (the application account may only read and insert there): two runs of
    /// one day at the same moment meet the unique key `once`, and the second fails whole and is
    /// run again.
    private func postFeeDifferenceOnce(
        _ difference: Money, paymentId: PaymentId, merchantId: String, item: ReconItemDraft, now: Timestamp, _ connection: Connection
    ) throws {
        let posted = try connection.query(
            "SELECT COUNT(*) FROM journal_entries WHERE payment_id = ? AND kind = ? AND refund_id = ?",
            [.text(paymentId.text), .text(LedgerEntryKind.feeAdjusted.rawValue), .text(item.refundId?.text ?? "")])
        guard posted.first?[0] == "0", difference.minorUnits != 0 else { return }
        let entry = try LedgerEntry.feeAdjusted(
            merchantId: merchantId, paymentId: paymentId, refundId: item.refundId, channel: item.channel, difference: difference)
        try JournalWriter.post(entry, slot: paymentId.slot, now: now, connection)
    }

    public func awaiting(channel: Channel, day: StatementDay, shard: Int) throws -> [(item: ReconItem, listedNextDay: Bool)] {
        let rows = try shards.read(shard: shard) { connection in
            try connection.query(
                """
                SELECT \(Self.itemColumnNames.map { "i." + $0 }.joined(separator: ", ")),
                       EXISTS (SELECT 1 FROM recon_items n
                                WHERE n.channel = i.channel AND n.statement_day = ? AND n.kind = i.kind AND n.statement_amount IS NOT NULL
                                  AND (n.payment_id = i.payment_id AND i.kind = 'payment' OR n.refund_id = i.refund_id AND i.kind = 'refund'))
                  FROM recon_items i
                 WHERE i.channel = ? AND i.statement_day = ? AND i.class = ? AND i.state = 'open'
                """,
                [.text(day.next.text), .text(channel.rawValue), .text(day.text), .text(ReconClass.awaitingNextDay.rawValue)])
        }
        return try rows.map { row in (try item(row, shard: shard), row[18] == "1") }
    }

    public func settle(_ key: ReconItemKey, reconClass: ReconClass, state: ReconItemState, note: String, now: Timestamp) throws {
        _ = try shards.withDeadlockRetry(shard: shards.shardIndex(forSlot: key.slot)) { connection in
            try connection.execute(
                """
                UPDATE recon_items SET class = ?, state = ?, note = ?, resolved_by = 'paygate', updated_at = ?
                 WHERE channel = ? AND statement_day = ? AND kind = ? AND reference = ?
                """,
                [
                    .text(reconClass.rawValue), .text(state.rawValue), .text(String(note.prefix(512))), .text(now.databaseString),
                    .text(key.channel.rawValue), .text(key.day.text), .text(key.kind.rawValue), .text(key.reference),
                ])
        }
    }

    public func resolve(_ id: ReconItemId, note: String, actor: String, now: Timestamp) throws -> ReconItem? {
        let shard = shards.shardIndex(forSlot: id.slot)
        return try shards.transaction(shard: shard) { connection in
            _ = try connection.execute(
                "UPDATE recon_items SET state = 'resolved', note = ?, resolved_by = ?, updated_at = ? WHERE item_id = ? AND state <> 'none'",
                [.text(note), .text(actor), .text(now.databaseString), .text(id.text)])
            let rows = try connection.query("SELECT \(Self.itemColumns) FROM recon_items WHERE item_id = ?", [.text(id.text)])
            return try rows.first.map { try item($0, shard: shard) }
        }
    }

    public func items(day: StatementDay, channel: Channel?, all: Bool, limit: Int) throws -> [ReconItem] {
        var conditions = ["statement_day = ?"]
        var parameters: [DatabaseValue] = [.text(day.text)]
        if let channel { conditions.append("channel = ?"); parameters.append(.text(channel.rawValue)) }
        if !all { conditions.append("class <> 'matched'") }
        let sql = "SELECT \(Self.itemColumns) FROM recon_items WHERE \(conditions.joined(separator: " AND ")) ORDER BY item_id LIMIT ?"
        var found: [ReconItem] = []
        for shard in 0..<shards.shardCount {
            let rows = try shards.read(shard: shard) { connection in try connection.query(sql, parameters + [.init(limit)]) }
            found += try rows.map { try item($0, shard: shard) }
        }
        return Array(
            found.sorted { ($0.channel.rawValue, $0.kind.rawValue, $0.reference) < ($1.channel.rawValue, $1.kind.rawValue, $1.reference) }
                .prefix(limit))
    }

    func item(_ row: DatabaseRow, shard: Int) throws -> ReconItem {
        guard let id = row[0].flatMap(ReconItemId.init), let channel = row[1].flatMap(Channel.init(rawValue:)),
            let day = row[2].flatMap(StatementDay.init), let kind = row[3].flatMap(ReconKind.init(rawValue:)), let reference = row[4],
            let reconClass = row[7].flatMap(ReconClass.init(rawValue:)), let state = row[8].flatMap(ReconItemState.init(rawValue:)),
            let currency = row[9].flatMap(Currency.init(rawValue:))
        else { throw StorageError.corrupt(shard: shards.shardNames[shard], detail: "reconciliation item \(row[0] ?? "-")") }
        let money = { (index: Int) in row[index].flatMap { Money(signedDatabaseText: $0, currency: currency) } }
        var item = ReconItem(
            id: id, channel: channel, day: day, kind: kind, reference: reference, paymentId: row[5].flatMap(PaymentId.init),
            refundId: row[6].flatMap(RefundId.init), reconClass: reconClass, state: state)
        item.statementAmount = money(10)
        item.statementFee = money(11)
        item.statementStatus = row[12]
        item.localAmount = money(13)
        item.localFee = money(14)
        item.localStatus = row[15]
        item.note = row[16]
        item.resolvedBy = row[17]
        return item
    }
}
