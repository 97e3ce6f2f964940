import MariaDB
import PaygateCore
import PaygateCrypto

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

    /// The payer's keys of a stored payment, opened from their seal (for counting an admin's
    /// decline under them); nil without a payer.
    public func payerSubjects(of payment: Payment, keys: KeyRing) throws -> RiskSubjects? {
        let rows = try shards.read(shard: shards.shardIndex(forSlot: payment.id.slot)) { connection in
            try connection.query("SELECT payer FROM payments WHERE payment_id = ?", [.text(payment.id.text)])
        }
        guard let sealed = rows.first?[0] else { return nil }
        let json = try PayerSeal.open(sealed, paymentId: payment.id.text, keys: keys)
        guard case .object(let members) = try JSONParser.parse(Array(json.utf8)) else { return nil }
        func member(_ name: String) -> String? {
            for member in members where member.key == name {
                if case .string(let text) = member.value, !text.isEmpty { return text }
            }
            return nil
        }
        return RiskSubjects(
            payerIP: member("ip"), payerDevice: member("device_id"), payerUser: member("user_id"), merchant: payment.merchantId)
    }
}
