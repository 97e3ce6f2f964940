import MariaDB
import PaygateCore
import PaygateCrypto

/// Payment transactions on their shards. Every status change asks `PaymentStateMachine` first
/// and writes with a compare-and-set on the version, plus its history row, in one transaction.
public struct PaymentStore {
    public let shards: ShardConnections
    /// Each channel's fee, posted with a payment's success (LedgerEntry); none when absent.
    public var channelFees: [Channel: ChannelFee]
    /// Seals a new payment's `payer` (`PayerSeal`); a store that never creates a payment with
    /// one (the worker's, the tools') needs none.
    public let keys: KeyRing?

    public init(shards: ShardConnections, channelFees: [Channel: ChannelFee] = [:], keys: KeyRing? = nil) {
        self.shards = shards
        self.channelFees = channelFees
        self.keys = keys
    }

    public typealias CreateOutcome = PaymentCreateOutcome

    /// Inserts a new payment together with its history and the request's nonce, in one
    /// transaction run by the `create_payment_risk` procedure (sql/shard/0011): one round trip instead
    /// of five; a repeat of an existing order takes a second (its nonce). The payment is
    /// `created`, or already `processing` when its prepay was accepted before the insert
    /// (`stepReason` names that step: two history rows, created then processing). Concurrent
    /// identical creates serialise on the unique key: exactly one inserts; the others read the
    /// winner, and `PaymentTerms` says whether it is their order. `checkAfter` is when the timeout
    /// worker first looks at it (`QuerySchedule`).
    public func create(
        _ payment: Payment, checkAfter: Timestamp, nonce: RequestNonce?, stepReason: String? = nil, requestId: String
    ) throws -> CreateOutcome {
        precondition(
            payment.status == .created || (payment.status == .processing && stepReason != nil),
            "a payment is inserted created, or processing after an accepted prepay")
        let shard = shards.shardIndex(forSlot: payment.id.slot)
        let shardName = shards.shardNames[shard]
        let rows: [DatabaseRow]
        do {
            rows = try call(payment, checkAfter: checkAfter, nonce: nonce, stepReason: stepReason, requestId: requestId, shard: shard)
        } catch StorageError.unavailable(let name, let underlying) where underlying.mayHaveReachedServer {
            // The connection broke: the CALL may or may not have committed. Resolve by business
            // key (our own payment_id) instead of guessing; if the shard cannot answer either,
            // the client's retry with the same merchant_order_no settles it.
            if let found = try? findNow(id: payment.id, merchantId: payment.merchantId, shard: shard) {
                return .created(found)
            }
            throw StorageError.unavailable(shard: name, underlying: underlying)
        }
        guard let row = rows.first, let outcome = row[0] else {
            throw StorageError.corrupt(shard: shardName, detail: "create_payment_risk answered no outcome")
        }
        switch outcome {
        case "created": return .created(payment)
        case "duplicate":
            let existing = try PaymentRow.decode(DatabaseRow(columns: Array(row.columns.dropFirst())), shard: shardName)
            // The core's rule: the same terms are the same order; the procedure kept nothing, so
            // a repeat's nonce is recorded now (a replayed request is refused as ever).
            guard PaymentTerms(existing) == PaymentTerms(payment) else { return .conflict }
            if let nonce, !(try recordNonce(nonce, slot: payment.id.slot)) { return .nonceReused }
            return .existing(existing)
        case "nonce_reused": return .nonceReused
        case "id_collision": throw PaymentIdCollision()
        default: throw StorageError.corrupt(shard: shardName, detail: "create_payment_risk answered \(outcome)")
        }
    }

    private func call(
        _ payment: Payment, checkAfter: Timestamp, nonce: RequestNonce?, stepReason: String?, requestId: String, shard: Int
    ) throws -> [DatabaseRow] {
        precondition(payment.payerJSON == nil || keys != nil, "payer data is sealed at rest: this store was given no key ring")
        // One AES-GCM seal, in memory: no extra round trip on the create path.
        let payer = try keys.flatMap { keys in try payment.payerJSON.map { try PayerSeal.seal($0, paymentId: payment.id.text, keys: keys) }
        }
        return try shards.withDeadlockRetry(shard: shard) { connection in
            try connection.query(
                "CALL create_payment_risk(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(payment.id.text), .init(payment.id.slot), .text(payment.merchantId), .text(payment.merchantOrderNo),
                    .text(payment.amount.databaseText), .text(payment.amount.currency.rawValue), .text(payment.channel.rawValue),
                    .text(payment.status.rawValue), .text(payment.subject), .text(payment.notifyURL), .text(payment.metadataJSON),
                    .init(payer), .text(payment.channelPayloadJSON), .text(payment.createdAt.databaseString),
                    .text(payment.expiresAt.databaseString), .text(checkAfter.databaseString), .init(nonce?.nonce), .init(nonce?.signature),
                    .init(requestId.isEmpty ? nil : requestId), .init(stepReason),
                    .init(payment.risk?.score.map { String($0) }), .init(payment.risk?.decision.rawValue), .init(payment.risk?.rule),
                ])
        }
    }

    /// Reads a payment, reconnecting at once if need be (outcome resolution).
    func findNow(id: PaymentId, merchantId: String, shard: Int) throws -> Payment? {
        try shards.readNow(shard: shard) { connection in
            let rows = try connection.query(
                "SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ? AND merchant_id = ?",
                [.text(id.text), .text(merchantId)])
            return try rows.first.map { row throws(StorageError) in try PaymentRow.decode(row, shard: shards.shardNames[shard]) }
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

    /// A payment by id alone (the worker's view; merchants always go through `find(id:merchantId:)`).
    public func findAny(id: PaymentId) throws -> Payment? {
        let shard = shards.shardIndex(forSlot: id.slot)
        return try shards.read(shard: shard) { connection in
            try connection.query("SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ?", [.text(id.text)])
                .first.map { row throws(StorageError) in try PaymentRow.decode(row, shard: shards.shardNames[shard]) }
        }
    }

    /// Inserts the nonce; throws `Rollback.nonceReused` when the same (merchant, nonce,
    /// signature) was already accepted, which rolls back the whole request.
    static func insertNonce(_ nonce: RequestNonce?, slot: Int, _ connection: Connection) throws {
        guard let nonce else { return }
        do {
            try connection.execute(
                "INSERT INTO request_nonces (merchant_id, nonce, signature, slot, created_at) VALUES (?, ?, ?, ?, ?)",
                [.text(nonce.merchantId), .text(nonce.nonce), .text(nonce.signature), .init(slot), .text(Timestamp.now().databaseString)])
        } catch {
            if error.isDuplicateKey { throw Rollback.nonceReused }
            throw error
        }
    }

    func appendHistory(
        _ id: PaymentId, from source: PaymentStatus?, to target: PaymentStatus, reason: String, requestId: String, _ connection: Connection
    ) throws {
        try connection.execute(
            "INSERT INTO payment_status_history (payment_id, slot, from_status, to_status, reason, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(id.text), .init(id.slot), .init(source?.rawValue), .text(target.rawValue), .text(reason),
                .init(requestId.isEmpty ? nil : requestId), .text(Timestamp.now().databaseString),
            ])
    }
}

/// Thrown inside a transaction body to roll it back and report a business outcome.
enum Rollback: Error {
    case notFound, nonceReused
}

extension PaymentStore {
    /// Records a nonce on its own (for answers that have no other write, such as an
    /// idempotent replay). False when it was already used.
    public func recordNonce(_ nonce: RequestNonce, slot: Int) throws -> Bool {
        do {
            try shards.transaction(shard: shards.shardIndex(forSlot: slot)) { connection in
                try PaymentStore.insertNonce(nonce, slot: slot, connection)
            }
            return true
        } catch Rollback.nonceReused {
            return false
        }
    }
}
