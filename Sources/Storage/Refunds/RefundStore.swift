import MariaDB
import PaygateCore
import PaygateCrypto

/// Refunds on their payment's shard (docs/API.md section 6). Every change locks the payment row first
/// and then the refund row, in that order everywhere, so concurrent refunds of one payment queue
/// on the payment's lock and cannot deadlock with each other or with a callback.
public struct RefundStore {
    public let shards: ShardConnections
    /// The worker first asks the channel about a refund this long after it was created, if
    /// nothing settled it before (a lost answer, a crash between commit and call).
    public static let firstCheckSeconds: Int64 = 10
    static let idCollisionRetryCountMax = 3

    public init(shards: ShardConnections) { self.shards = shards }

    public typealias CreateOutcome = RefundCreateOutcome

    /// Creates a refund in one transaction: the nonce, the payment row locked, the duplicate
    /// check, the state check, the refundable check and the insert with its first history row.
    /// The refundable amount is reserved here (the sum of non-failed refunds includes this one),
    /// so twenty concurrent refunds of one payment are decided one after another on its lock and
    /// never accept more than the payment covers (`RefundAdmission` decides). A refusal is a
    /// `RefundRefusal` thrown inside the transaction, which rolls everything back, nonce included.
    public func create(
        _ request: CreateRefundRequest, merchantId: String, nonce: RequestNonce?, requestId: String
    ) throws -> CreateOutcome {
        let slot = request.paymentId.slot
        let shard = shards.shardIndex(forSlot: slot)
        let shardName = shards.shardNames[shard]
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try shards.transaction(shard: shard) { connection in
                    try admit(request, merchantId: merchantId, nonce: nonce, requestId: requestId, shard: shardName, connection)
                }
            } catch StorageError.database(_, let underlying)
                where underlying.isDuplicateKey && attempt < RefundStore.idCollisionRetryCountMax
            {
                // A refund_id collision (64 random bits; merchant_refund_no duplicates are
                // ordered by the payment lock and found above): run it again with a new id.
                continue
            } catch Rollback.nonceReused {
                throw NonceReused()
            } catch StorageError.unavailable(let name, let underlying) where underlying.mayHaveReachedServer {
                // The connection broke: the COMMIT may or may not have happened. Resolve by
                // business key rather than answer an error for a refund that exists (the worker
                // would carry it out): found → it was created by this request.
                if let found = try? findNow(
                    paymentId: request.paymentId, merchantRefundNo: request.merchantRefundNo, merchantId: merchantId, shard: shard)
                {
                    return .created(found.refund, found.payment)
                }
                throw StorageError.unavailable(shard: name, underlying: underlying)
            }
        }
    }

    /// The create's transaction: the nonce, the payment locked, the repeat check, the admission
    /// and the insert with its first history row.
    private func admit(
        _ request: CreateRefundRequest, merchantId: String, nonce: RequestNonce?, requestId: String, shard shardName: String,
        _ connection: Connection
    ) throws -> CreateOutcome {
        let slot = request.paymentId.slot
        try PaymentStore.insertNonce(nonce, slot: slot, connection)
        guard
            let row = try connection.query(
                "SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ? AND merchant_id = ? FOR UPDATE",
                [.text(request.paymentId.text), .text(merchantId)]
            ).first
        else {
            throw RefundRefusal.paymentNotFound
        }
        let payment = try PaymentRow.decode(row, shard: shardName)
        let amount: Money
        do throws(APIError) { amount = try request.amount(in: payment.amount.currency) } catch {
            throw RefundRefusal.invalidAmount(error)
        }
        if let existing = try connection.query(
            "SELECT \(RefundRow.columns) FROM refunds WHERE payment_id = ? AND merchant_refund_no = ?",
            [.text(payment.id.text), .text(request.merchantRefundNo)]
        ).first {
            return .existing(
                try RefundAdmission.repeated(
                    existing: try RefundRow.decode(existing, shard: shardName), requestedAmount: amount
                ).get())
        }
        let reserved = try reservedAmount(of: payment, shard: shardName, connection)
        if let refusal = RefundAdmission.admit(
            paymentStatus: payment.status, paymentAmount: payment.amount, reserved: reserved, requestedAmount: amount)
        {
            throw refusal
        }
        let now = Timestamp.now()
        let refund = Refund(
            id: RefundId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
            paymentId: payment.id, merchantId: merchantId, merchantRefundNo: request.merchantRefundNo, amount: amount,
            channel: payment.channel, status: .processing, channelState: .pending, reason: request.reason,
            channelRefundId: nil, failureCode: nil, version: 1, createdAt: now, succeededAt: nil)
        try RefundStore.insert(refund, checkAfter: now.adding(seconds: RefundStore.firstCheckSeconds), now: now, connection)
        try RefundStore.appendHistory(
            refund.id, from: nil, to: .processing, reason: "merchant_refund", requestId: requestId, connection)
        return .created(refund, payment)
    }

    /// What the payment's refunds that have not failed hold of its amount; read only when the
    /// status allows a refund at all (the admission refuses the others without it).
    private func reservedAmount(of payment: Payment, shard shardName: String, _ connection: Connection) throws -> Money {
        guard payment.status.isRefundable else { return Money(minorUnits: 0, currency: payment.amount.currency) }
        let text =
            try connection.query(
                "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE payment_id = ? AND status <> 'failed'",
                [.text(payment.id.text)]
            ).first?[0] ?? "0"
        guard let sum = Money(databaseText: text, currency: payment.amount.currency) else {
            throw StorageError.corrupt(shard: shardName, detail: "refund sum of \(payment.id.text)")
        }
        return sum
    }

    private func findNow(
        paymentId: PaymentId, merchantRefundNo: String, merchantId: String, shard: Int
    ) throws -> (refund: Refund, payment: Payment)? {
        try shards.readNow(shard: shard) { connection in
            guard
                let refundRow = try connection.query(
                    "SELECT \(RefundRow.columns) FROM refunds WHERE payment_id = ? AND merchant_refund_no = ? AND merchant_id = ?",
                    [.text(paymentId.text), .text(merchantRefundNo), .text(merchantId)]
                ).first,
                let paymentRow = try connection.query(
                    "SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ?", [.text(paymentId.text)]
                ).first
            else {
                return nil
            }
            return (
                try RefundRow.decode(refundRow, shard: shards.shardNames[shard]),
                try PaymentRow.decode(paymentRow, shard: shards.shardNames[shard])
            )
        }
    }

    /// Inserts a new refund; the worker first looks at it at `checkAfter`.
    static func insert(_ refund: Refund, checkAfter: Timestamp, now: Timestamp, _ connection: Connection) throws {
        try connection.execute(
            """
            INSERT INTO refunds (refund_id, payment_id, slot, merchant_id, merchant_refund_no, amount, currency, channel,
              status, channel_state, reason, check_after, created_at, updated_at, origin, source_txn_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(refund.id.text), .text(refund.paymentId.text), .init(refund.id.slot), .text(refund.merchantId),
                .text(refund.merchantRefundNo), .text(refund.amount.databaseText), .text(refund.amount.currency.rawValue),
                .text(refund.channel.rawValue), .text(refund.status.rawValue), .text(refund.channelState.rawValue),
                .init(refund.reason), .text(checkAfter.databaseString), .text(now.databaseString), .text(now.databaseString),
                .text(refund.origin.rawValue), .init(refund.sourceTransactionId),
            ])
    }

    static func appendHistory(
        _ id: RefundId, from source: RefundStatus?, to target: RefundStatus, reason: String, requestId: String, _ connection: Connection
    ) throws {
        try connection.execute(
            "INSERT INTO refund_status_history (refund_id, slot, from_status, to_status, reason, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(id.text), .init(id.slot), .init(source?.rawValue), .text(target.rawValue), .text(reason),
                .init(requestId.isEmpty ? nil : requestId), .text(Timestamp.now().databaseString),
            ])
    }

    /// A merchant's refund; another merchant's is nil, like a missing one.
    public func find(id: RefundId, merchantId: String) throws -> Refund? {
        let shard = shards.shardIndex(forSlot: id.slot)
        return try shards.read(shard: shard) { connection in
            try connection.query(
                "SELECT \(RefundRow.columns) FROM refunds WHERE refund_id = ? AND merchant_id = ?", [.text(id.text), .text(merchantId)]
            )
            .first.map { row throws(StorageError) in try RefundRow.decode(row, shard: shards.shardNames[shard]) }
        }
    }

    /// A refund by id alone (callbacks and the worker).
    public func findAny(id: RefundId) throws -> Refund? {
        let shard = shards.shardIndex(forSlot: id.slot)
        return try shards.read(shard: shard) { connection in
            try connection.query("SELECT \(RefundRow.columns) FROM refunds WHERE refund_id = ?", [.text(id.text)])
                .first.map { row throws(StorageError) in try RefundRow.decode(row, shard: shards.shardNames[shard]) }
        }
    }
}
