import MariaDB
import PaygateCore
import PaygateCrypto

extension PaymentStore {
    public typealias Applied = AppliedPaymentDecision

    /// The anomaly kinds whose payment is refunded (`PaymentAnomalyKind.refundsPayer`), for SQL.
    static let refundingKinds = PaymentAnomalyKind.allCases.filter(\.refundsPayer).map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Runs one lifecycle event against a payment in one transaction on its shard: locks the
    /// row, asks `PaymentLifecycle` (which asks `PaymentStateMachine` for every step), writes the
    /// steps with a compare-and-set on the version plus one history row each, the merchant
    /// events (outbox) and the anomalies, and commits. Channel actions are returned, not run:
    /// they are calls to the outside and happen after the commit. `merchantId` nil means the
    /// caller is a channel (a callback), which knows the payment only by its id. `checkAfter`,
    /// when given, is written with a status change that leaves the payment open (the worker's
    /// next look at it, `QuerySchedule`).
    public func apply(
        _ event: LifecycleEvent, to id: PaymentId, merchantId: String?, channel: Channel? = nil,
        nonce: RequestNonce? = nil, checkAfter: Timestamp? = nil, reason: String, requestId: String
    ) throws -> Applied? {
        let shard = shards.shardIndex(forSlot: id.slot)
        let shardName = shards.shardNames[shard]
        do {
            return try shards.transaction(shard: shard) { connection in
                try PaymentStore.insertNonce(nonce, slot: id.slot, connection)
                var sql = "SELECT \(PaymentRow.columns) FROM payments WHERE payment_id = ?"
                var parameters: [DatabaseValue] = [.text(id.text)]
                if let merchantId { sql += " AND merchant_id = ?"; parameters.append(.text(merchantId)) }
                if let channel { sql += " AND channel = ?"; parameters.append(.text(channel.rawValue)) }
                guard let row = try connection.query(sql + " FOR UPDATE", parameters).first else { throw Rollback.notFound }
                var payment = try PaymentRow.decode(row, shard: shardName)
                let lateRefunds = try connection.query(
                    "SELECT transaction_id FROM payment_anomalies WHERE payment_id = ? AND kind IN (\(PaymentStore.refundingKinds))",
                    [.text(id.text)]
                ).compactMap { $0[0] }
                let snapshot = PaymentSnapshot(payment, lateRefundTransactionIds: Set(lateRefunds))
                let now = Timestamp.now()
                let decision = PaymentLifecycle.decide(snapshot, event, now: now)
                if let write = decision.write {
                    payment = try self.write(
                        write, to: payment, checkAfter: checkAfter, reason: reason, requestId: requestId, now: now, connection)
                }
                for entry in try LedgerRules.postings(for: decision, payment: payment, fee: channelFees[payment.channel] ?? .zero) {
                    try JournalWriter.post(entry, slot: payment.id.slot, now: now, connection)
                }
                for type in decision.merchantEvents {
                    try OutboxWriter.insert(
                        type, paymentId: payment.id, merchantId: payment.merchantId, refundId: nil, data: payment.json,
                        now: now, connection)
                }
                for anomaly in decision.anomalies {
                    try insertAnomaly(anomaly, for: payment, requestId: requestId, now: now, connection)
                }
                for case .refundLatePayment(let amount, let transactionId) in decision.channelActions {
                    try insertLatePaymentRefund(
                        of: payment, amount: amount, transactionId: transactionId, requestId: requestId, now: now, connection)
                }
                return Applied(payment: payment, decision: decision)
            }
        } catch Rollback.notFound {
            return nil
        } catch Rollback.nonceReused {
            throw NonceReused()
        }
    }

    private func write(
        _ write: StatusWrite, to payment: Payment, checkAfter: Timestamp?, reason: String, requestId: String, now: Timestamp,
        _ connection: Connection
    ) throws -> Payment {
        var next = payment
        var source = write.source
        precondition(source == payment.status, "a write decided for another status")
        for target in write.steps {
            // The lifecycle asked the state machine already; asking again here keeps the store
            // from ever writing a step that the table forbids, whoever calls it.
            precondition(PaymentStateMachine.allows(from: source, to: target), "illegal step \(source) -> \(target)")
            try appendHistory(payment.id, from: source, to: target, reason: reason, requestId: requestId, connection)
            source = target
        }
        next.apply(write)
        let updated = try connection.execute(
            """
            UPDATE payments SET status = ?, channel_txn_id = ?, paid_at = ?, failure_code = ?, channel_payload = ?,
              check_after = COALESCE(?, check_after), version = version + 1, updated_at = ? WHERE payment_id = ? AND version = ?
            """,
            [
                .text(next.status.rawValue), .init(next.channelTransactionId), .init(next.paidAt?.databaseString),
                .init(next.failureCode), .text(next.channelPayloadJSON), .init(checkAfter?.databaseString), .text(now.databaseString),
                .text(payment.id.text), .init(payment.version),
            ])
        // The row is locked FOR UPDATE, so the version cannot have moved.
        precondition(updated == 1, "compare-and-set lost under a row lock")
        next.version += 1
        return next
    }

    private func insertAnomaly(
        _ anomaly: PaymentAnomaly, for payment: Payment, requestId: String, now: Timestamp, _ connection: Connection
    ) throws {
        try connection.execute(
            """
            INSERT IGNORE INTO payment_anomalies
              (payment_id, slot, kind, transaction_id, reported_amount, reported_currency, request_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(payment.id.text), .init(payment.id.slot), .text(anomaly.kind.rawValue), .text(anomaly.transactionId ?? ""),
                .init(anomaly.reportedAmount?.databaseText), .init(anomaly.reportedAmount?.currency.rawValue),
                .init(requestId.isEmpty ? nil : requestId), .text(now.databaseString),
            ])
    }

    /// A late payment goes back to the payer through an ordinary refund, born `processing` in the
    /// transaction that records the anomaly, with the posting of what the payer is owed: a crash
    /// after the commit loses nothing, and the worker sends it at once (`check_after` now).
    private func insertLatePaymentRefund(
        of payment: Payment, amount: Money, transactionId: String, requestId: String, now: Timestamp, _ connection: Connection
    ) throws {
        let refund = Refund.forLatePayment(
            of: payment, amount: amount, transactionId: transactionId, random: try SecureRandom.uint64(), now: now)
        try RefundStore.insert(refund, checkAfter: now, now: now, connection)
        try RefundStore.appendHistory(refund.id, from: nil, to: .processing, reason: "late_payment", requestId: requestId, connection)
        for entry in try LedgerRules.postings(forLatePaymentRefund: refund, payment: payment) {
            try JournalWriter.post(entry, slot: payment.id.slot, now: now, connection)
        }
    }
}
