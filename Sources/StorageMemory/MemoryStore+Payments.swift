import PaygateCore
import PaygateCrypto

extension MemoryStore: PaymentStoring {
    public func shardName(_ shard: Int) -> String { "memory\(shard)" }

    public func create(
        _ payment: Payment, checkAfter: Timestamp, nonce: RequestNonce?, stepReason: String?, requestId: String
    ) throws
        -> PaymentCreateOutcome
    {
        precondition(
            payment.status == .created || (payment.status == .processing && stepReason != nil),
            "a payment is inserted created, or processing after an accepted prepay")
        return try locked {
            if isUsed(nonce, slot: payment.id.slot) { return .nonceReused }
            let key = OrderKey(merchantId: payment.merchantId, merchantOrderNo: payment.merchantOrderNo)
            if let existingId = orders[key], let existing = payments[existingId] {
                // The same order is the same amount, currency and channel (the create_payment
                // procedure's comparison); another is a conflict, and writes nothing.
                guard PaymentTerms(existing) == PaymentTerms(payment) else { return .conflict }
                try insertNonce(nonce, slot: payment.id.slot)
                return .existing(existing)
            }
            if payments[payment.id] != nil { throw PaymentIdCollision() }
            try insertNonce(nonce, slot: payment.id.slot)
            payments[payment.id] = payment
            orders[key] = payment.id
            self.checkAfter[payment.id] = checkAfter
            appendHistory(payment.id, from: nil, to: .created, reason: "created")
            if payment.status != .created { appendHistory(payment.id, from: .created, to: payment.status, reason: stepReason ?? "") }
            return .created(payment)
        }
    }

    public func apply(
        _ event: LifecycleEvent, to id: PaymentId, merchantId: String?, channel: Channel?, nonce: RequestNonce?,
        checkAfter: Timestamp?, reason: String, requestId: String
    ) throws -> AppliedPaymentDecision? {
        try locked {
            if isUsed(nonce, slot: id.slot) { throw NonceReused() }
            guard var payment = payments[id], merchantId.map({ $0 == payment.merchantId }) ?? true,
                channel.map({ $0 == payment.channel }) ?? true
            else { return nil }
            try insertNonce(nonce, slot: id.slot)
            let lateRefunds = (anomaliesByPayment[id] ?? []).filter { PaymentAnomalyKind(rawValue: $0.kind)?.refundsPayer ?? false }
                .map(\.transactionId)
            let snapshot = PaymentSnapshot(payment, lateRefundTransactionIds: Set(lateRefunds))
            let now = clock.now()
            let decision = PaymentLifecycle.decide(snapshot, event, now: now)
            if let write = decision.write {
                payment = self.write(write, to: payment, checkAfter: checkAfter, reason: reason)
            }
            post(try LedgerRules.postings(for: decision, payment: payment, fee: fees[payment.channel] ?? .zero))
            for type in decision.merchantEvents { emit(OutboxEvent(type: type, paymentId: id, refundId: nil)) }
            for anomaly in decision.anomalies {
                record(AnomalyRow(paymentId: payment.id, kind: anomaly.kind.rawValue, transactionId: anomaly.transactionId ?? ""))
            }
            for case .refundLatePayment(let amount, let transactionId) in decision.channelActions {
                let refund = Refund.forLatePayment(
                    of: payment, amount: amount, transactionId: transactionId, random: try SecureRandom.uint64(), now: now)
                insert(refund, checkAfter: now)
                appendRefundHistory(refund.id, from: nil, to: .processing, reason: "late_payment")
                post(try LedgerRules.postings(forLatePaymentRefund: refund, payment: payment))
            }
            return AppliedPaymentDecision(payment: payment, decision: decision)
        }
    }

    public func applyOnSnapshot(
        _ event: LifecycleEvent, to payment: Payment, checkAfter: Timestamp, reason: String, requestId: String
    ) throws
        -> AppliedPaymentDecision?
    {
        // One lock covers the whole decision here, so the snapshot path and the locking path
        // are the same thing: decide on the row as stored.
        try apply(
            event, to: payment.id, merchantId: payment.merchantId, channel: nil, nonce: nil, checkAfter: checkAfter, reason: reason,
            requestId: requestId)
    }

    /// Writes the decided steps, one history row each (the state machine asked again, as MariaDB's
    /// store does), and moves the version.
    private func write(_ write: StatusWrite, to payment: Payment, checkAfter: Timestamp?, reason: String) -> Payment {
        precondition(write.source == payment.status, "a write decided for another status")
        var source = write.source
        for target in write.steps {
            precondition(PaymentStateMachine.allows(from: source, to: target), "illegal step \(source) -> \(target)")
            appendHistory(payment.id, from: source, to: target, reason: reason)
            source = target
        }
        var next = payment
        next.apply(write)
        next.version += 1
        payments[payment.id] = next
        if let checkAfter { self.checkAfter[payment.id] = checkAfter }
        return next
    }

    public func recordNonce(_ nonce: RequestNonce, slot: Int) throws -> Bool {
        locked { nonces.insert(ShardNonce(shard: shard(ofSlot: slot), nonce: nonce)).inserted }
    }

    public func find(id: PaymentId, merchantId: String) throws -> Payment? {
        locked { payments[id].flatMap { $0.merchantId == merchantId ? $0 : nil } }
    }

    public func find(merchantId: String, merchantOrderNo: String) throws -> Payment? {
        locked { orders[OrderKey(merchantId: merchantId, merchantOrderNo: merchantOrderNo)].flatMap { payments[$0] } }
    }

    public func findAny(id: PaymentId) throws -> Payment? { locked { payments[id] } }

    /// Newest first (ids begin with their creation time), like the scatter-gather over shards.
    public func list(merchantId: String, query: ListPaymentsQuery) throws -> (payments: [Payment], hasMore: Bool) {
        locked {
            let matching = payments.values.filter { payment in
                payment.merchantId == merchantId
                    && query.startingAfter.map { payment.id < $0 } ?? true
                    && query.status.map { payment.status == $0 } ?? true
                    && query.createdFrom.map { payment.createdAt >= $0 } ?? true
                    && query.createdTo.map { payment.createdAt <= $0 } ?? true
                    && query.merchantOrderNo.map { payment.merchantOrderNo == $0 } ?? true
            }.sorted { $0.id > $1.id }
            return (Array(matching.prefix(query.limit)), matching.count > query.limit)
        }
    }
}
