import MariaDB
import PaygateCore

/// The column list every refund SELECT uses and its decoding, kept together so they cannot drift.
enum RefundRow {
    static let columns = """
        refund_id, payment_id, merchant_id, merchant_refund_no, amount, currency, channel, status, channel_state, \
        reason, channel_refund_id, failure_code, version, created_at, succeeded_at, origin, source_txn_id
        """

    static func decode(_ row: DatabaseRow, shard: String) throws(StorageError) -> Refund {
        func text(_ index: Int) throws(StorageError) -> String {
            guard let value = row[index] else { throw StorageError.corrupt(shard: shard, detail: "NULL in refund column \(index)") }
            return value
        }
        guard let id = RefundId(try text(0)), let paymentId = PaymentId(try text(1)),
            let currency = Currency(rawValue: try text(5)),
            let amount = Money(databaseText: try text(4), currency: currency),
            let channel = Channel(rawValue: try text(6)),
            let status = RefundStatus(rawValue: try text(7)),
            let channelState = Refund.ChannelState(rawValue: try text(8)),
            let version = Int(try text(12)),
            let createdAt = Timestamp(parsing: try text(13)),
            let origin = RefundOrigin(rawValue: try text(15))
        else {
            throw StorageError.corrupt(shard: shard, detail: "refund \(row[0] ?? "?")")
        }
        var succeededAt: Timestamp?
        if let value = row[14] {
            guard let parsed = Timestamp(parsing: value) else {
                throw StorageError.corrupt(shard: shard, detail: "refund \(id.text) succeeded_at")
            }
            succeededAt = parsed
        }
        return Refund(
            id: id, paymentId: paymentId, merchantId: try text(2), merchantRefundNo: try text(3), amount: amount,
            channel: channel, status: status, channelState: channelState, reason: row[9], channelRefundId: row[10],
            failureCode: row[11], version: version, createdAt: createdAt, succeededAt: succeededAt, origin: origin,
            sourceTransactionId: row[16])
    }
}
