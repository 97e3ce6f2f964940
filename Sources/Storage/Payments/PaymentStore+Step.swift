import MariaDB
import PaygateCore

extension PaymentStore {
    /// Applies `event` to `payment` as the caller holds it (a payment this request has just
    /// created), without locking and reading the row again: `PaymentLifecycle` decides on that
    /// snapshot, and the `payment_step` procedure (sql/shard/0006) writes the one status step with
    /// a compare-and-set on the snapshot's version plus its history row, in one round trip.
    ///
    /// Only a decision that is a single step and writes nothing else (no merchant event, no
    /// posting, no anomaly, no channel action) takes this path; such a decision depends on the
    /// status alone, which the version pins. Anything else, or a row that moved since the
    /// snapshot (a callback or a close raced us), goes the long way through `apply`, which locks
    /// the row and decides on what it reads.
    public func applyOnSnapshot(
        _ event: LifecycleEvent, to payment: Payment, checkAfter: Timestamp, reason: String, requestId: String
    ) throws -> Applied? {
        let now = Timestamp.now()
        let snapshot = PaymentSnapshot(
            status: payment.status, amount: payment.amount, channelTransactionId: payment.channelTransactionId,
            expiresAt: payment.expiresAt, paidAt: payment.paidAt)
        let decision = PaymentLifecycle.decide(snapshot, event, now: now)
        guard let write = decision.write, write.steps.count == 1, decision.merchantEvents.isEmpty,
            decision.anomalies.isEmpty, decision.channelActions.isEmpty, write.target != .succeeded,
            write.channelTransactionId == nil, write.paidAt == nil
        else {
            return try apply(
                event, to: payment.id, merchantId: payment.merchantId, checkAfter: checkAfter, reason: reason, requestId: requestId)
        }
        var next = payment
        next.status = write.target
        if let failureCode = write.failureCode { next.failureCode = failureCode }
        if let payload = write.channelPayload { next.channelPayloadJSON = payload.json }
        let shard = shards.shardIndex(forSlot: payment.id.slot)
        let outcome: String?
        do {
            outcome = try shards.withDeadlockRetry(shard: shard) { connection in
                try connection.query(
                    "CALL payment_step(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        .text(payment.id.text), .init(payment.id.slot), .init(payment.version),
                        .text(write.source.rawValue), .text(write.target.rawValue), .text(next.channelPayloadJSON),
                        .init(write.failureCode), .text(checkAfter.databaseString), .text(now.databaseString),
                        .text(reason), .init(requestId.isEmpty ? nil : requestId),
                    ]
                ).first?[0]
            }
        } catch StorageError.unavailable(_, let underlying) where underlying.mayHaveReachedServer {
            // The connection broke: the step may or may not have committed. The long way reads
            // the row under its lock and decides again (a repeat of a done step changes nothing).
            return try apply(
                event, to: payment.id, merchantId: payment.merchantId, checkAfter: checkAfter, reason: reason, requestId: requestId)
        }
        switch outcome {
        case "applied":
            next.version += 1
            return Applied(payment: next, decision: decision)
        case "moved":
            return try apply(
                event, to: payment.id, merchantId: payment.merchantId, checkAfter: checkAfter, reason: reason, requestId: requestId)
        default:
            throw StorageError.corrupt(shard: shards.shardNames[shard], detail: "payment_step answered \(outcome ?? "nothing")")
        }
    }
}
