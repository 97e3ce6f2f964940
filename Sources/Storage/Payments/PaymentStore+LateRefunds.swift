import MariaDB
import PaygateCore

extension PaymentStore {
    public typealias LateRefund = LateRefundDue

    /// Claims due late refunds on one shard (SKIP LOCKED, like payments), pushing their next try
    /// `retryAfterSeconds` ahead so one crashed or slow worker cannot hold them.
    public func claimLateRefunds(shard: Int, now: Timestamp, retryAfterSeconds: Int, limit: Int) throws -> [LateRefund] {
        let shardName = shards.shardNames[shard]
        return try shards.transaction(shard: shard) { connection in
            let rows = try connection.query(
                """
                SELECT a.payment_id, a.transaction_id, a.refund_id, a.refund_amount, p.currency, a.refund_state, a.created_at
                FROM payment_anomalies a JOIN payments p ON p.payment_id = a.payment_id
                WHERE a.refund_state IN ('pending', 'processing') AND a.refund_tried_at <= ?
                ORDER BY a.refund_tried_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """,
                [.text(now.adding(seconds: -Int64(retryAfterSeconds)).databaseString)])
            var claimed: [LateRefund] = []
            for row in rows {
                guard let id = row[0].flatMap(PaymentId.init), let currency = row[4].flatMap(Currency.init(rawValue:)),
                      let amount = row[3].flatMap({ Money(databaseText: $0, currency: currency) }),
                      let created = row[6].flatMap(Timestamp.init(parsing:)) else {
                    throw StorageError.corrupt(shard: shardName, detail: "late refund row")
                }
                claimed.append(LateRefund(
                    paymentId: id, transactionId: row[1] ?? "", refundId: row[2] ?? "", amount: amount,
                    state: row[5] ?? "pending", createdAt: created))
                try connection.execute(
                    "UPDATE payment_anomalies SET refund_tried_at = ? WHERE refund_id = ?",
                    [.text(now.databaseString), .text(row[2] ?? "")])
            }
            return claimed
        }
    }

    /// A payment by id alone (the worker's view; merchants always go through `find(id:merchantId:)`).
    public func findAny(id: PaymentId) throws -> Payment? {
        let shard = shards.shardIndex(forSlot: id.slot)
        return try shards.read(shard: shard) { connection in
            try connection.query("SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ?", [.text(id.text)])
                .first.map { row throws(StorageError) in try PaymentRow.decode(row, shard: shards.shardNames[shard]) }
        }
    }

    /// Records what the channel said about a late refund (`succeeded`, `processing`, `failed`).
    public func recordLateRefund(paymentId: PaymentId, refundId: String, state: String) throws {
        _ = try shards.transaction(shard: shards.shardIndex(forSlot: paymentId.slot)) { connection in
            try connection.execute(
                "UPDATE payment_anomalies SET refund_state = ?, refund_tried_at = ? WHERE payment_id = ? AND refund_id = ?",
                [.text(state), .text(Timestamp.now().databaseString), .text(paymentId.text), .text(refundId)])
        }
    }
}
