import MariaDB
import PaygateCore

/// The column list every payment SELECT uses, and its decoding. Kept in one place so the order
/// cannot drift between the query and the decoder. The `create_payment_risk` procedure
/// (sql/shard/0011) returns the same columns in the same order after its outcome column: change
/// both together (the end-to-end tests compare a repeated create with the original object).
enum PaymentRow {
    static let columns = """
        payment_id, merchant_id, merchant_order_no, amount, currency, channel, status, refunded_amount, \
        subject, notify_url, metadata, payer, channel_payload, channel_txn_id, failure_code, version, \
        created_at, paid_at, expires_at, risk_score, risk_decision, risk_rule
        """

    /// `payer` (column 11) is sealed at rest and never answered (docs/API.md section 5): a
    /// payment read back leaves it out; `PayerSeal.open` reads it for an admin who must.
    static func decode(_ row: DatabaseRow, shard: String) throws(StorageError) -> Payment {
        func text(_ index: Int) throws(StorageError) -> String {
            guard let value = row[index] else { throw StorageError.corrupt(shard: shard, detail: "NULL in column \(index)") }
            return value
        }
        func time(_ index: Int) throws(StorageError) -> Timestamp {
            guard let value = Timestamp(parsing: try text(index)) else {
                throw StorageError.corrupt(shard: shard, detail: "bad time in column \(index)")
            }
            return value
        }
        guard let id = PaymentId(try text(0)),
            let currency = Currency(rawValue: try text(4)),
            let amount = Money(databaseText: try text(3), currency: currency),
            let channel = Channel(rawValue: try text(5)),
            let status = PaymentStatus(rawValue: try text(6)),
            let refunded = Money(databaseText: try text(7), currency: currency),
            let version = Int(try text(15))
        else {
            throw StorageError.corrupt(shard: shard, detail: "payment \(row[0] ?? "?")")
        }
        var paidAt: Timestamp?
        if row[17] != nil { paidAt = try time(17) }
        return Payment(
            id: id, merchantId: try text(1), merchantOrderNo: try text(2), amount: amount, channel: channel,
            status: status, refundedAmount: refunded, subject: try text(8), notifyURL: try text(9),
            metadataJSON: try text(10), payerJSON: nil, channelPayloadJSON: try text(12),
            channelTransactionId: row[13], failureCode: row[14], version: version,
            createdAt: try time(16), paidAt: paidAt, expiresAt: try time(18), risk: try risk(row, shard: shard))
    }

    /// Columns 19–21; all NULL on a payment made with risk off.
    static func risk(_ row: DatabaseRow, shard: String) throws(StorageError) -> RiskAssessment? {
        guard let decisionText = row[20] else { return nil }
        guard let decision = RiskDecision(rawValue: decisionText) else {
            throw StorageError.corrupt(shard: shard, detail: "payment \(row[0] ?? "?"): risk \(decisionText)")
        }
        return RiskAssessment(score: row[19].flatMap { Int($0) }, decision: decision, rule: row[21])
    }
}
