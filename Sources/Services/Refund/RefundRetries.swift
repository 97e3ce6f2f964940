import PaygateCore

extension Refunds {
    /// The worker's pass over one shard's refunds without a final answer: each is sent again
    /// (same id) or asked about. Returns how many it looked at.
    public func retryDue(shard: Int, leaseSeconds: Int64, nextCheckSeconds: Int64, limit: Int, requestId: String) -> Int {
        guard context.channels != nil else { return 0 }
        let due: [Refund]
        do {
            due = try context.refunds.claimDue(shard: shard, now: context.clock.now(), leaseSeconds: leaseSeconds, limit: limit)
        } catch {
            context.log.warning("refunds on \(context.payments.shardName(shard)) skipped this round: \(error)", requestId: requestId)
            return 0
        }
        for refund in due {
            do {
                guard let payment = try context.payments.findAny(id: refund.paymentId) else { continue }
                context.log.info("refund \(refund.id.text): no final answer yet; asking \(refund.channel.rawValue)", requestId: requestId)
                let after = submit(refund, payment: payment, requestId: requestId)
                if after.status == .processing {
                    try context.refunds.scheduleCheck(refund.id, at: context.clock.now().adding(seconds: nextCheckSeconds))
                }
            } catch {
                context.log.warning("refund \(refund.id.text): \(error); due again when its lease ends", requestId: requestId)
            }
        }
        return due.count
    }
}
