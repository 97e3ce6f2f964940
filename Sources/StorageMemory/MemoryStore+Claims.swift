import PaygateCore

// The worker's claims, as MariaDB's store makes them: due rows move their next check to the end
// of the lease, so a second claim does not see them until it passes.
extension MemoryStore {
    public func claimDue(shard: Int, request: PaymentClaimRequest, now: Timestamp) throws -> PaymentClaim {
        let leaseEnd = now.adding(seconds: request.leaseSeconds)
        let claimed: [Payment] = locked {
            let due = payments.values
                .filter { self.shard(ofSlot: $0.id.slot) == shard && ($0.status == .created || $0.status == .processing) }
                .filter { (checkAfter[$0.id] ?? leaseEnd) <= now }
                .sorted { (checkAfter[$0.id]!, $0.id) < (checkAfter[$1.id]!, $1.id) }
                .prefix(request.batchSizeMax)
            for payment in due { checkAfter[payment.id] = leaseEnd }
            return Array(due)
        }
        return PaymentClaim(shard: shard, payments: claimed, leaseEnd: leaseEnd)
    }

    public func scheduleCheck(_ id: PaymentId, at next: Timestamp) throws {
        locked {
            guard let payment = payments[id], payment.status == .created || payment.status == .processing else { return }
            checkAfter[id] = next
        }
    }

    public func release(_ ids: [PaymentId], shard: Int, leaseEnd: Timestamp, now: Timestamp) throws {
        locked {
            for id in ids where checkAfter[id] == leaseEnd { checkAfter[id] = now }
        }
    }

    public func claimLateRefunds(shard: Int, now: Timestamp, retryAfterSeconds: Int, limit: Int) throws -> [LateRefundDue] {
        locked {
            let before = now.adding(seconds: -Int64(retryAfterSeconds))
            var claimed: [LateRefundDue] = []
            for index in anomalies.indices where claimed.count < limit {
                let row = anomalies[index]
                guard let refund = row.lateRefund, self.shard(ofSlot: row.paymentId.slot) == shard,
                      refund.state == "pending" || refund.state == "processing",
                      let tried = row.refundTriedAt, tried <= before else { continue }
                anomalies[index].refundTriedAt = now
                claimed.append(refund)
            }
            return claimed
        }
    }

    public func recordLateRefund(paymentId: PaymentId, refundId: String, state: String) throws {
        locked {
            for index in anomalies.indices where anomalies[index].paymentId == paymentId && anomalies[index].lateRefund?.refundId == refundId {
                anomalies[index].lateRefund?.state = state
                anomalies[index].refundTriedAt = clock.now()
            }
        }
    }

    /// The late refunds recorded so far (a test reads their states).
    public var lateRefunds: [LateRefundDue] { locked { anomalies.compactMap(\.lateRefund) } }
}
