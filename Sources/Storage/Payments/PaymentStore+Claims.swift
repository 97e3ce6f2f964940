import MariaDB
import PaygateCore

/// Claims of the timeout worker (schema sql/shard/0004, 0006). A payment is due when it is still
/// open (`created` or `processing`) and its `check_after` has passed: every write that leaves a
/// payment open sets `check_after` to the next time it needs a look (`QuerySchedule`), so a claim
/// reads only due rows on the index (status, check_after), however many orders are open.
/// A claim takes a bounded batch with `FOR UPDATE SKIP LOCKED` and moves the rows' `check_after`
/// to the end of a lease in the same short transaction, so concurrent workers on any host take
/// disjoint batches and nobody takes a claimed payment again until its lease ends.
extension PaymentStore {
    public typealias ClaimRequest = PaymentClaimRequest
    public typealias Claim = PaymentClaim

    /// Claims up to `batchSizeMax` due payments on one shard. An empty claim writes nothing.
    public func claimDue(shard: Int, request: ClaimRequest, now: Timestamp) throws -> Claim {
        let leaseEnd = now.adding(seconds: request.leaseSeconds)
        let shardName = shards.shardNames[shard]
        // READ COMMITTED for this one transaction: no gap locks on the (status, check_after)
        // range, so a claim never holds up the inserts of new payments, and rows the WHERE
        // rejects are unlocked as soon as they are read.
        let payments = try shards.transaction(shard: shard, isolation: .readCommitted) { connection in
            // No ORDER BY: a sort would make InnoDB read (and lock) every due row before the
            // LIMIT; the index (status, check_after) already yields the longest-waiting first.
            let rows = try connection.query(
                """
                SELECT \(PaymentRow.columns) FROM payments
                WHERE status IN ('created', 'processing') AND check_after <= ?
                LIMIT ? FOR UPDATE SKIP LOCKED
                """,
                [.text(now.databaseString), .init(request.batchSizeMax)])
            let claimed = try rows.map { row throws(StorageError) in try PaymentRow.decode(row, shard: shardName) }
            if claimed.isEmpty { return claimed }
            let marks = Array(repeating: "?", count: claimed.count).joined(separator: ", ")
            let updated = try connection.execute(
                "UPDATE payments SET check_after = ? WHERE payment_id IN (\(marks))",
                [.text(leaseEnd.databaseString)] + claimed.map { .text($0.id.text) })
            // The rows are locked by the SELECT above: all of them must have been updated.
            precondition(updated == claimed.count, "claimed rows changed under their locks")
            return claimed
        }
        return Claim(shard: shard, payments: payments, leaseEnd: leaseEnd)
    }

    /// After a payment was handled: when to look at it again if it is still open. A payment that
    /// became final is never due again, whatever `check_after` says.
    public func scheduleCheck(_ id: PaymentId, at next: Timestamp) throws {
        let shard = shards.shardIndex(forSlot: id.slot)
        _ = try shards.withDeadlockRetry(shard: shard) { connection in
            try connection.execute(
                "UPDATE payments SET check_after = ? WHERE payment_id = ? AND status IN ('created', 'processing')",
                [.text(next.databaseString), .text(id.text)])
        }
    }

    /// Gives back claimed payments the worker did not reach (it is stopping): due again at once.
    /// Only rows whose lease is still ours (check_after unchanged) are touched.
    public func release(_ ids: [PaymentId], shard: Int, leaseEnd: Timestamp, now: Timestamp) throws {
        guard !ids.isEmpty else { return }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        _ = try shards.withDeadlockRetry(shard: shard) { connection in
            try connection.execute(
                "UPDATE payments SET check_after = ? WHERE check_after = ? AND payment_id IN (\(marks))",
                [.text(now.databaseString), .text(leaseEnd.databaseString)] + ids.map { .text($0.text) })
        }
    }
}
