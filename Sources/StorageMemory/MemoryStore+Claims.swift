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
            // Only rows of the shard named, as MariaDB's release runs on that shard alone.
            for id in ids where self.shard(ofSlot: id.slot) == shard && checkAfter[id] == leaseEnd { checkAfter[id] = now }
        }
    }
}
