import MariaDB
import PaygateCore
import PaygateCrypto

/// Idempotency-Key records (docs/API.md section 7). A key lives on the shard of its own slot
/// (hash of merchant and key), so a second request under the same key finds it wherever that
/// request's payment would go. The protocol is: `begin` (claims the key, or reports replay /
/// mismatch / in progress), the work, then `complete` with the answer, or `abandon` when the
/// answer is an error (an error stores nothing under the key).
public struct IdempotencyStore {
    public let shards: ShardConnections
    public let ttlSeconds: Int
    public let leaseSeconds: Int
    /// Seals the stored answers: they carry payment objects (`IdempotencyAnswerSeal`).
    public let keys: KeyRing

    public init(shards: ShardConnections, ttlSeconds: Int, leaseSeconds: Int, keys: KeyRing) {
        self.shards = shards
        self.ttlSeconds = ttlSeconds
        self.leaseSeconds = leaseSeconds
        self.keys = keys
    }

    public enum BeginOutcome: Sendable, Equatable {
        /// The key is ours (held under `leaseToken`): do the work, then complete or abandon.
        case started(leaseToken: String)
        /// Done before: answer this again with `Idempotent-Replayed: true`.
        case replay(status: Int, body: String)
        case mismatch
        case inProgress
    }

    private func shard(merchantId: String, key: String) -> (index: Int, slot: Int) {
        let slot = SlotRouter.idempotencySlot(merchantId: merchantId, key: key, slotCount: shards.map.slotCount)
        return (shards.shardIndex(forSlot: slot), slot)
    }

    public func begin(merchantId: String, key: String, requestHash: String) throws -> BeginOutcome {
        let (index, slot) = shard(merchantId: merchantId, key: key)
        let token = Hex.encode(try SecureRandom.bytes(16))
        let now = Timestamp.now()
        let lockedUntil = now.adding(seconds: Int64(leaseSeconds)).databaseString
        let expiresAt = now.adding(seconds: Int64(ttlSeconds)).databaseString
        return try shards.transaction(shard: index) { connection in
            do {
                try connection.execute(
                    """
                    INSERT INTO idempotency_keys (merchant_id, idempotency_key, slot, request_hash, state, locked_until, lease_token, created_at, expires_at)
                    VALUES (?, ?, ?, ?, 'in_progress', ?, ?, ?, ?)
                    """,
                    [
                        .text(merchantId), .text(key), .init(slot), .text(requestHash), .text(lockedUntil), .text(token),
                        .text(now.databaseString), .text(expiresAt),
                    ])
                return .started(leaseToken: token)
            } catch let error as DatabaseError where error.isDuplicateKey {
                let rows = try connection.query(
                    "SELECT request_hash, state, response_status, response_body, locked_until, expires_at FROM idempotency_keys WHERE merchant_id = ? AND idempotency_key = ? FOR UPDATE",
                    [.text(merchantId), .text(key)])
                guard let row = rows.first else { throw error }
                let expired = Timestamp(parsing: try row.required(5)).map { $0 < now } ?? true
                let leaseOver = Timestamp(parsing: try row.required(4)).map { $0 < now } ?? true
                let state = try row.required(1)
                if expired || (state == "in_progress" && leaseOver && row[0] == requestHash) {
                    // Expired records are reused; a record whose worker died mid-request is taken
                    // over (the work itself is idempotent by merchant_order_no).
                    try connection.execute(
                        "UPDATE idempotency_keys SET request_hash = ?, state = 'in_progress', response_status = NULL, response_body = NULL, locked_until = ?, lease_token = ?, created_at = ?, expires_at = ? WHERE merchant_id = ? AND idempotency_key = ?",
                        [
                            .text(requestHash), .text(lockedUntil), .text(token), .text(now.databaseString), .text(expiresAt),
                            .text(merchantId), .text(key),
                        ])
                    return .started(leaseToken: token)
                }
                guard try row.required(0) == requestHash else { return .mismatch }
                guard state == "done", let status = row[2].flatMap({ Int($0) }), let stored = row[3] else { return .inProgress }
                let body = try SealedText.open(
                    stored, associatedData: IdempotencyAnswerSeal.associatedData(merchantId: merchantId, key: key), keys: keys,
                    shard: shards.shardNames[index])
                return .replay(status: status, body: body)
            }
        }
    }

    /// Stores the answer, if the lease is still ours (a request that outlived its lease lost the
    /// key to a successor, whose answer is the one kept).
    public func complete(merchantId: String, key: String, leaseToken: String, status: Int, body: String) throws {
        let (index, _) = shard(merchantId: merchantId, key: key)
        let sealed = try SealedText.seal(
            body, associatedData: IdempotencyAnswerSeal.associatedData(merchantId: merchantId, key: key), keys: keys)
        _ = try shards.transaction(shard: index) { connection in
            try connection.execute(
                "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? WHERE merchant_id = ? AND idempotency_key = ? AND lease_token = ? AND state = 'in_progress'",
                [.init(status), .text(sealed), .text(merchantId), .text(key), .text(leaseToken)])
        }
    }

    /// Forgets a claimed key whose request ended in an error, so the key can be used again.
    public func abandon(merchantId: String, key: String, leaseToken: String) throws {
        let (index, _) = shard(merchantId: merchantId, key: key)
        _ = try shards.transaction(shard: index) { connection in
            try connection.execute(
                "DELETE FROM idempotency_keys WHERE merchant_id = ? AND idempotency_key = ? AND lease_token = ? AND state = 'in_progress'",
                [.text(merchantId), .text(key), .text(leaseToken)])
        }
    }
}
