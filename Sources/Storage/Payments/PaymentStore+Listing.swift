import MariaDB
import PaygateCore

extension PaymentStore {
    /// One page of a merchant's payments, newest first, across every shard (scatter-gather).
    /// Payment ids begin with their creation time, so "newest first" is "largest id first" and
    /// `starting_after` is a plain `payment_id < ?` on every shard. Each shard returns at most
    /// limit + 1 rows; the merge keeps the largest limit + 1, and the extra one sets `has_more`.
    /// If any shard is down the whole listing fails: a silently partial page would be wrong.
    public func list(merchantId: String, query: ListPaymentsQuery) throws -> (payments: [Payment], hasMore: Bool) {
        var sql = "SELECT \(PaymentRow.columns) FROM payments WHERE merchant_id = ?"
        var parameters: [DatabaseValue] = [.text(merchantId)]
        if let startingAfter = query.startingAfter { sql += " AND payment_id < ?"; parameters.append(.text(startingAfter.text)) }
        if let status = query.status { sql += " AND status = ?"; parameters.append(.text(status.rawValue)) }
        if let from = query.createdFrom { sql += " AND created_at >= ?"; parameters.append(.text(from.databaseString)) }
        if let to = query.createdTo { sql += " AND created_at <= ?"; parameters.append(.text(to.databaseString)) }
        if let orderNo = query.merchantOrderNo { sql += " AND merchant_order_no = ?"; parameters.append(.text(orderNo)) }
        sql += " ORDER BY payment_id DESC LIMIT ?"
        parameters.append(.init(query.limit + 1))

        var merged: [Payment] = []
        for shard in 0..<shards.shardCount {
            let rows = try shards.read(shard: shard) { connection in try connection.query(sql, parameters) }
            for row in rows { merged.append(try PaymentRow.decode(row, shard: shards.shardNames[shard])) }
        }
        merged.sort { $0.id > $1.id }
        let hasMore = merged.count > query.limit
        return (Array(merged.prefix(query.limit)), hasMore)
    }
}
