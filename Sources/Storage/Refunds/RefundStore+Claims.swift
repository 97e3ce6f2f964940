import MariaDB
import PaygateCore

extension RefundStore {
    /// Claims `processing` refunds due for a look (SKIP LOCKED, like payments: workers on any
    /// host share them) and pushes their next look `leaseSeconds` ahead in the same short
    /// transaction, so a crashed worker's claims come back by themselves.
    public func claimDue(shard: Int, now: Timestamp, leaseSeconds: Int64, limit: Int) throws -> [Refund] {
        let shardName = shards.shardNames[shard]
        return try shards.transaction(shard: shard) { connection in
            let rows = try connection.query(
                """
                SELECT \(RefundRow.columns) FROM refunds WHERE status = 'processing' AND check_after <= ?
                ORDER BY check_after LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """,
                [.text(now.databaseString)])
            let claimed = try rows.map { row throws(StorageError) in try RefundRow.decode(row, shard: shardName) }
            for refund in claimed {
                try connection.execute(
                    "UPDATE refunds SET check_after = ? WHERE refund_id = ?",
                    [.text(now.adding(seconds: leaseSeconds).databaseString), .text(refund.id.text)])
            }
            return claimed
        }
    }

    /// When the worker should look at a still-open refund again.
    public func scheduleCheck(_ id: RefundId, at time: Timestamp) throws {
        _ = try shards.transaction(shard: shards.shardIndex(forSlot: id.slot)) { connection in
            try connection.execute(
                "UPDATE refunds SET check_after = ? WHERE refund_id = ? AND status = 'processing'",
                [.text(time.databaseString), .text(id.text)])
        }
    }
}
