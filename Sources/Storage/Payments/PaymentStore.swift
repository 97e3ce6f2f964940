import MariaDB
import PaygateCore

/// Payment transactions on their shards. Every status change asks `PaymentStateMachine` first
/// and writes with a compare-and-set on the version, plus its history row, in one transaction.
public struct PaymentStore {
    public let shards: ShardConnections

    public init(shards: ShardConnections) { self.shards = shards }

    public enum CreateOutcome: Sendable {
        case created(Payment)
        /// The identical order already exists (API: 200 with the existing object).
        case existing(Payment)
        /// Same merchant_order_no with a different amount, currency or channel (409).
        case conflict
        case nonceReused
    }

    /// Inserts a new payment in status `created` together with its first history row and the
    /// request's nonce. Concurrent identical creates serialise on the unique key: exactly one
    /// inserts; the others see 1062, read the winner and answer it.
    public func create(_ payment: Payment, nonce: RequestNonce?, requestId: String) throws -> CreateOutcome {
        let shard = shards.shardIndex(forSlot: payment.id.slot)
        let shardName = shards.shardNames[shard]
        do {
        return try shards.transaction(shard: shard) { connection in
            try PaymentStore.insertNonce(nonce, connection)
            do {
                try connection.execute(
                    """
                    INSERT INTO payments (payment_id, slot, merchant_id, merchant_order_no, amount, currency, channel, status,
                      refunded_amount, subject, notify_url, metadata, payer, channel_payload, version, created_at, updated_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                    """,
                    [.text(payment.id.text), .init(payment.id.slot), .text(payment.merchantId), .text(payment.merchantOrderNo),
                     .text(payment.amount.databaseText), .text(payment.amount.currency.rawValue), .text(payment.channel.rawValue),
                     .text(payment.status.rawValue), .text(payment.refundedAmount.databaseText), .text(payment.subject),
                     .text(payment.notifyURL), .text(payment.metadataJSON), .init(payment.payerJSON), .text(payment.channelPayloadJSON),
                     .text(payment.createdAt.databaseString), .text(payment.createdAt.databaseString), .text(payment.expiresAt.databaseString)])
            } catch let error as DatabaseError where error.isDuplicateKey {
                let existing = try connection.query(
                    "SELECT \(PaymentRow.columns) FROM payments WHERE merchant_id = ? AND merchant_order_no = ? LOCK IN SHARE MODE",
                    [.text(payment.merchantId), .text(payment.merchantOrderNo)])
                guard let row = existing.first else { throw error }  // a payment_id collision: the caller retries
                let found = try PaymentRow.decode(row, shard: shardName)
                guard found.amount == payment.amount, found.channel == payment.channel else {
                    throw Rollback.conflict
                }
                return .existing(found)
            }
            try appendHistory(payment.id, from: nil, to: payment.status, reason: "created", requestId: requestId, connection)
            return .created(payment)
        }
        } catch Rollback.conflict {
            return .conflict
        } catch Rollback.nonceReused {
            return .nonceReused
        }
    }

    public func find(id: PaymentId, merchantId: String) throws -> Payment? {
        let shard = shards.shardIndex(forSlot: id.slot)
        return try shards.read(shard: shard) { connection in
            let rows = try connection.query(
                "SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ? AND merchant_id = ?",
                [.text(id.text), .text(merchantId)])
            return try rows.first.map { row throws(StorageError) in try PaymentRow.decode(row, shard: shards.shardNames[shard]) }
        }
    }

    public func find(merchantId: String, merchantOrderNo: String) throws -> Payment? {
        let slot = SlotRouter.paymentSlot(merchantId: merchantId, merchantOrderNo: merchantOrderNo, slotCount: shards.map.slotCount)
        let shard = shards.shardIndex(forSlot: slot)
        return try shards.read(shard: shard) { connection in
            let rows = try connection.query(
                "SELECT \(PaymentRow.columns) FROM payments WHERE merchant_id = ? AND merchant_order_no = ?",
                [.text(merchantId), .text(merchantOrderNo)])
            return try rows.first.map { row throws(StorageError) in try PaymentRow.decode(row, shard: shards.shardNames[shard]) }
        }
    }

    public enum TransitionOutcome: Sendable {
        case changed(Payment)
        case unchanged(Payment)
        case notFound
        case illegal(PaymentStatus)
        case nonceReused
    }

    /// Moves a payment to `target` if the state machine allows it (compare-and-set on version).
    public func transition(
        id: PaymentId, merchantId: String, to target: PaymentStatus, reason: String, nonce: RequestNonce?, requestId: String
    ) throws -> TransitionOutcome {
        let shard = shards.shardIndex(forSlot: id.slot)
        do {
            return try shards.transaction(shard: shard) { connection in
                try PaymentStore.insertNonce(nonce, connection)
                let rows = try connection.query(
                    "SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ? AND merchant_id = ? FOR UPDATE",
                    [.text(id.text), .text(merchantId)])
                guard let row = rows.first else { throw Rollback.notFound }
                var payment = try PaymentRow.decode(row, shard: shards.shardNames[shard])
                let decision: PaymentStateMachine.Decision
                do { decision = try PaymentStateMachine.decide(from: payment.status, to: target) } catch { throw Rollback.illegal(payment.status) }
                if decision == .alreadyDone { return .unchanged(payment) }
                let now = Timestamp.now()
                let updated = try connection.execute(
                    "UPDATE payments SET status = ?, version = version + 1, updated_at = ? WHERE payment_id = ? AND version = ?",
                    [.text(target.rawValue), .text(now.databaseString), .text(id.text), .init(payment.version)])
                // The row is locked FOR UPDATE, so the version cannot have moved.
                precondition(updated == 1, "compare-and-set lost under a row lock")
                try appendHistory(id, from: payment.status, to: target, reason: reason, requestId: requestId, connection)
                payment.status = target
                payment.version += 1
                return .changed(payment)
            }
        } catch Rollback.notFound {
            return .notFound
        } catch Rollback.illegal(let status) {
            return .illegal(status)
        } catch Rollback.nonceReused {
            return .nonceReused
        }
    }

    /// Inserts the nonce; throws `Rollback.nonceReused` when the same (merchant, nonce,
    /// signature) was already accepted, which rolls back the whole request.
    static func insertNonce(_ nonce: RequestNonce?, _ connection: Connection) throws {
        guard let nonce else { return }
        do {
            try connection.execute(
                "INSERT INTO request_nonces (merchant_id, nonce, signature, created_at) VALUES (?, ?, ?, ?)",
                [.text(nonce.merchantId), .text(nonce.nonce), .text(nonce.signature), .text(Timestamp.now().databaseString)])
        } catch {
            if error.isDuplicateKey { throw Rollback.nonceReused }
            throw error
        }
    }

    func appendHistory(_ id: PaymentId, from source: PaymentStatus?, to target: PaymentStatus, reason: String, requestId: String, _ connection: Connection) throws {
        try connection.execute(
            "INSERT INTO payment_status_history (payment_id, slot, from_status, to_status, reason, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.text(id.text), .init(id.slot), .init(source?.rawValue), .text(target.rawValue), .text(reason),
             .init(requestId.isEmpty ? nil : requestId), .text(Timestamp.now().databaseString)])
    }
}

/// Thrown inside a transaction body to roll it back and report a business outcome.
enum Rollback: Error {
    case conflict, notFound, nonceReused
    case illegal(PaymentStatus)
}

extension PaymentStore {
    /// Records a nonce on its own (for answers that have no other write, such as an
    /// idempotent replay). False when it was already used.
    public func recordNonce(_ nonce: RequestNonce, shard: Int) throws -> Bool {
        do {
            try shards.transaction(shard: shard) { connection in try PaymentStore.insertNonce(nonce, connection) }
            return true
        } catch Rollback.nonceReused {
            return false
        }
    }
}
