import MariaDB
import PaygateCore

/// Risk's writes on a payment's shard (sql/shard/0011): the record of a blocked create, and an
/// admin's decision on a review as a compare-and-set.
extension PaymentStore: RiskDecisionStoring {
    public func recordRiskBlock(_ block: RiskBlock) throws {
        let shard = shards.shardIndex(forSlot: block.id.slot)
        _ = try shards.withDeadlockRetry(shard: shard) { connection in
            try connection.execute(
                """
                INSERT INTO risk_blocks (block_id, slot, merchant_id, merchant_order_no, amount, currency, channel,
                    risk_score, risk_rule, request_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(block.id.text), .init(block.id.slot), .text(block.merchantId), .text(block.merchantOrderNo),
                    .text(block.amount.databaseText), .text(block.amount.currency.rawValue), .text(block.channel.rawValue),
                    .init(block.assessment.score.map { String($0) }), .init(block.assessment.rule),
                    .init(block.requestId.isEmpty ? nil : block.requestId), .text(block.at.databaseString),
                ])
        }
    }

    public func changeRiskDecision(of id: PaymentId, from expected: RiskDecision, to decision: RiskDecision) throws -> Bool {
        let shard = shards.shardIndex(forSlot: id.slot)
        let changed = try shards.withDeadlockRetry(shard: shard) { connection in
            try connection.execute(
                "UPDATE payments SET risk_decision = ? WHERE payment_id = ? AND risk_decision = ? AND status = 'created'",
                [.text(decision.rawValue), .text(id.text), .text(expected.rawValue)])
        }
        return changed == 1
    }
}
