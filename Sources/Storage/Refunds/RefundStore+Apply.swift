import MariaDB
import PaygateCore

extension RefundStore {
    public typealias Applied = AppliedRefundDecision

    /// Applies what a channel said about a refund in one transaction on its shard: the payment
    /// row locked, then the refund row; `RefundLifecycle` decides; the refund's and payment's
    /// compare-and-sets with a history row each, the journal reversal, the outbox event and any
    /// anomaly are written together, so none can exist without the others. Nil: no such refund
    /// (or, when `channel` is given, none on that channel: a callback speaks only for its own).
    public func apply(_ event: RefundEvent, to id: RefundId, channel: Channel? = nil, reason: String, requestId: String) throws -> Applied?
    {
        let shard = shards.shardIndex(forSlot: id.slot)
        let shardName = shards.shardNames[shard]
        return try shards.transaction(shard: shard) { connection in
            // The payment id, unlocked, to take the locks in the one order: payment, then refund.
            var lookup = "SELECT payment_id FROM refunds WHERE refund_id = ?"
            var parameters: [DatabaseValue] = [.text(id.text)]
            if let channel { lookup += " AND channel = ?"; parameters.append(.text(channel.rawValue)) }
            guard let paymentText = try connection.query(lookup, parameters).first?[0],
                let paymentRow = try connection.query(
                    "SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ? FOR UPDATE", [.text(paymentText)]
                ).first,
                let refundRow = try connection.query(
                    "SELECT \(RefundRow.columns) FROM refunds WHERE refund_id = ? FOR UPDATE", [.text(id.text)]
                ).first
            else {
                return nil
            }
            var payment = try PaymentRow.decode(paymentRow, shard: shardName)
            var refund = try RefundRow.decode(refundRow, shard: shardName)
            let decision = RefundLifecycle.decide(refund, of: payment, event)
            let now = Timestamp.now()
            if let anomaly = decision.anomaly {
                try connection.execute(
                    """
                    INSERT IGNORE INTO payment_anomalies (payment_id, slot, kind, transaction_id, request_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(payment.id.text), .init(payment.id.slot), .text(anomaly.rawValue), .text(refund.id.text),
                        .init(requestId.isEmpty ? nil : requestId), .text(now.databaseString),
                    ])
            }
            refund = try write(decision, to: refund, reason: reason, requestId: requestId, now: now, connection)
            if let write = decision.paymentWrite {
                payment = try self.write(write, to: payment, requestId: requestId, now: now, connection)
            }
            for entry in try LedgerRules.postings(for: decision, refund: refund, payment: payment) {
                try JournalWriter.post(entry, slot: payment.id.slot, now: now, connection)
            }
            if let type = decision.merchantEvent {
                try OutboxWriter.insert(
                    type, paymentId: payment.id, merchantId: payment.merchantId, refundId: refund.id, data: refund.json,
                    now: now, connection)
            }
            return Applied(refund: refund, payment: payment, decision: decision)
        }
    }

    /// The refund's own change: its channel state and status (with a history row), under a
    /// compare-and-set on its version.
    private func write(
        _ decision: RefundDecision, to stored: Refund, reason: String, requestId: String, now: Timestamp, _ connection: Connection
    ) throws
        -> Refund
    {
        var refund = stored
        if let state = decision.channelState { refund.channelState = state }
        if let status = decision.refundStatus {
            try RefundStore.appendHistory(refund.id, from: refund.status, to: status, reason: reason, requestId: requestId, connection)
            refund.status = status
            if let code = decision.failureCode { refund.failureCode = code }
            if let channelRefundId = decision.channelRefundId { refund.channelRefundId = channelRefundId }
            if status == .succeeded { refund.succeededAt = now }
        }
        guard decision.channelState != nil || decision.refundStatus != nil else { return refund }
        let updated = try connection.execute(
            """
            UPDATE refunds SET status = ?, channel_state = ?, channel_refund_id = ?, failure_code = ?, succeeded_at = ?,
              version = version + 1, updated_at = ? WHERE refund_id = ? AND version = ?
            """,
            [
                .text(refund.status.rawValue), .text(refund.channelState.rawValue), .init(refund.channelRefundId),
                .init(refund.failureCode), .init(refund.succeededAt?.databaseString), .text(now.databaseString),
                .text(refund.id.text), .init(refund.version),
            ])
        precondition(updated == 1, "refund compare-and-set lost under a row lock")
        refund.version += 1
        return refund
    }

    /// The payment's change a refund's success makes (refunded amount and status, with history).
    private func write(
        _ write: RefundPaymentWrite, to stored: Payment, requestId: String, now: Timestamp, _ connection: Connection
    ) throws -> Payment {
        var payment = stored
        precondition(write.source == payment.status, "a refund write decided for another payment status")
        precondition(PaymentStateMachine.allows(from: write.source, to: write.target), "illegal step \(write.source) -> \(write.target)")
        let updated = try connection.execute(
            "UPDATE payments SET status = ?, refunded_amount = ?, version = version + 1, updated_at = ? WHERE payment_id = ? AND version = ?",
            [
                .text(write.target.rawValue), .text(write.refundedAmount.databaseText), .text(now.databaseString),
                .text(payment.id.text), .init(payment.version),
            ])
        precondition(updated == 1, "payment compare-and-set lost under a row lock")
        try PaymentStore(shards: shards).appendHistory(
            payment.id, from: payment.status, to: write.target, reason: "refund_succeeded", requestId: requestId, connection)
        payment.status = write.target
        payment.refundedAmount = write.refundedAmount
        payment.version += 1
        return payment
    }
}
