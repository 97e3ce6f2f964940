import PaygateCore
import PaygateCrypto

extension MemoryStore: RefundStoring {
    public func create(
        _ request: CreateRefundRequest, merchantId: String, nonce: RequestNonce?, requestId: String
    ) throws -> RefundCreateOutcome {
        try locked {
            if isUsed(nonce, slot: request.paymentId.slot) { throw NonceReused() }
            guard let payment = payments[request.paymentId], payment.merchantId == merchantId else { throw RefundRefusal.paymentNotFound }
            let amount: Money
            do throws(APIError) { amount = try request.amount(in: payment.amount.currency) } catch {
                throw RefundRefusal.invalidAmount(error)
            }
            let ofPayment = (refundsByPayment[payment.id] ?? []).compactMap { refunds[$0] }
            if let existing = ofPayment.first(where: { $0.merchantRefundNo == request.merchantRefundNo }) {
                let repeated = try RefundAdmission.repeated(existing: existing, requestedAmount: amount).get()
                try insertNonce(nonce, slot: payment.id.slot)
                return .existing(repeated)
            }
            let reserved = ofPayment.filter { $0.status != .failed }.reduce(Money(minorUnits: 0, currency: payment.amount.currency)) {
                $0 + $1.amount
            }
            if let refusal = RefundAdmission.admit(
                paymentStatus: payment.status, paymentAmount: payment.amount, reserved: reserved, requestedAmount: amount)
            {
                throw refusal
            }
            try insertNonce(nonce, slot: payment.id.slot)
            let now = clock.now()
            let refund = Refund(
                id: RefundId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: payment.id.slot, random: try SecureRandom.uint64()),
                paymentId: payment.id, merchantId: merchantId, merchantRefundNo: request.merchantRefundNo, amount: amount,
                channel: payment.channel, status: .processing, channelState: .pending, reason: request.reason,
                channelRefundId: nil, failureCode: nil, version: 1, createdAt: now, succeededAt: nil)
            insert(refund, checkAfter: now.adding(seconds: MemoryStore.refundFirstCheckSeconds))
            appendRefundHistory(refund.id, from: nil, to: .processing, reason: "merchant_refund")
            return .created(refund, payment)
        }
    }

    /// As MariaDB's store: a refund the worker has heard nothing about is first asked after this.
    static let refundFirstCheckSeconds: Int64 = 10

    public func apply(
        _ event: RefundEvent, to id: RefundId, channel: Channel?, reason: String, requestId: String
    ) throws -> AppliedRefundDecision? {
        try locked {
            guard var refund = refunds[id], channel.map({ $0 == refund.channel }) ?? true, var payment = payments[refund.paymentId] else {
                return nil
            }
            let decision = RefundLifecycle.decide(refund, of: payment, event)
            let now = clock.now()
            if let anomaly = decision.anomaly { record(AnomalyRow(paymentId: payment.id, kind: anomaly.rawValue, transactionId: id.text)) }
            if let state = decision.channelState { refund.channelState = state }
            if let status = decision.refundStatus {
                appendRefundHistory(id, from: refund.status, to: status, reason: reason)
                refund.status = status
                if let code = decision.failureCode { refund.failureCode = code }
                if let channelRefundId = decision.channelRefundId { refund.channelRefundId = channelRefundId }
                if status == .succeeded { refund.succeededAt = now }
            }
            if decision.channelState != nil || decision.refundStatus != nil {
                refund.version += 1
                refunds[id] = refund
            }
            if let write = decision.paymentWrite {
                precondition(
                    write.source == payment.status && PaymentStateMachine.allows(from: write.source, to: write.target),
                    "illegal refund step")
                appendHistory(payment.id, from: payment.status, to: write.target, reason: "refund_succeeded")
                payment.status = write.target
                payment.refundedAmount = write.refundedAmount
                payment.version += 1
                payments[payment.id] = payment
            }
            post(try LedgerRules.postings(for: decision, refund: refund, payment: payment))
            if let type = decision.merchantEvent { emit(OutboxEvent(type: type, paymentId: payment.id, refundId: id)) }
            return AppliedRefundDecision(refund: refund, payment: payment, decision: decision)
        }
    }

    public func find(id: RefundId, merchantId: String) throws -> Refund? {
        locked { refunds[id].flatMap { $0.merchantId == merchantId ? $0 : nil } }
    }

    public func findAny(id: RefundId) throws -> Refund? { locked { refunds[id] } }

    public func claimDue(shard: Int, now: Timestamp, leaseSeconds: Int64, limit: Int) throws -> [Refund] {
        locked {
            let due = refunds.values
                .filter { self.shard(ofSlot: $0.id.slot) == shard && $0.status == .processing && (refundCheckAfter[$0.id] ?? now) <= now }
                // The longest-waiting first, as MariaDB's claim orders by check_after.
                .sorted { (refundCheckAfter[$0.id] ?? now, $0.id.text) < (refundCheckAfter[$1.id] ?? now, $1.id.text) }
                .prefix(limit)
            for refund in due { refundCheckAfter[refund.id] = now.adding(seconds: leaseSeconds) }
            return Array(due)
        }
    }

    public func scheduleCheck(_ id: RefundId, at time: Timestamp) throws {
        locked {
            guard refunds[id]?.status == .processing else { return }
            refundCheckAfter[id] = time
        }
    }
}
