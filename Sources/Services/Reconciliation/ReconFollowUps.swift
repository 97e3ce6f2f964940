import Channels
import PaygateCore

/// The channel queries a run's differences call for (`ReconMatcher.FollowUp.queryPayment`),
/// made after every item is written, at most `follow_up_queries_max` per run:
/// - `local_missing`: the statement says the channel took the money and we do not have it as
///   succeeded. The query's answer goes through the payment's lifecycle like any query's (paid →
///   `succeeded` with its posting and webhook; already closed here → refunded to the payer as a
///   late payment); never direct SQL. When our record now matches the line, the item is settled.
/// - `channel_missing`: succeeded here, not in the statement. What the channel answers is written
///   on the item for the admin who resolves it; it changes nothing here.
struct ReconFollowUps {
    struct Pending: Sendable, Equatable {
        var key: ReconItemKey
        var paymentId: PaymentId
        var reconClass: ReconClass
        /// The statement's line (local_missing), to match our record with after the query.
        var statement: ReconStatementSide?
    }

    let context: ServiceContext
    let store: any ReconStoring
    let query: QueryPayment

    func run(_ pending: [Pending], requestId: String) {
        for followUp in pending {
            do {
                guard let payment = try context.payments.findAny(id: followUp.paymentId) else { continue }
                switch followUp.reconClass {
                case .localMissing: try confirm(followUp, payment, requestId: requestId)
                case .channelMissing: try ask(followUp, payment, requestId: requestId)
                default: continue
                }
            } catch {
                context.log.warning(
                    "reconciliation follow-up of \(followUp.paymentId.text) failed (the item stays open): \(error)", requestId: requestId)
            }
        }
    }

    private func confirm(_ followUp: Pending, _ payment: Payment, requestId: String) throws {
        try query.query(payment, requestId: requestId)
        let shard = store.shardIndex(forSlot: payment.id.slot)
        let local = try store.localPayments([payment.id], channel: followUp.key.channel, shard: shard)[payment.id]
        let now = context.clock.now()
        if let statement = followUp.statement, let local,
            ReconMatcher.classify(.payment, statement: statement, local: local.side).reconClass == .matched
        {
            try store.settle(
                followUp.key, reconClass: followUp.reconClass, state: .settled,
                note: "the channel's query confirmed the payment; applied through its lifecycle (now \(local.side.status))", now: now)
        } else {
            try store.settle(
                followUp.key, reconClass: followUp.reconClass, state: .open,
                note: "queried the channel; here the payment is \(local?.side.status ?? payment.status.rawValue)", now: now)
        }
    }

    private func ask(_ followUp: Pending, _ payment: Payment, requestId: String) throws {
        guard let channels = context.channels else { return }
        let reference = ChannelPaymentReference(paymentId: payment.id, amount: payment.amount, expiresAt: payment.expiresAt)
        let answer: String =
            switch channels.query(reference, on: payment.channel, requestId: requestId) {
            case .answered(.paid(let paid)): "paid (\(paid.channelTransactionId), \(paid.amount.text))"
            case .answered(.notPaid): "not paid"
            case .answered(.notFound): "no such order"
            case .answered(.closed): "closed"
            case .answered(.failed(let code)): "failed (\(code))"
            case .answered(.unknown(let reason)): "no definite answer (\(reason))"
            case .unavailable(let reason), .unsupported(let reason): "no answer (\(reason))"
            }
        try store.settle(
            followUp.key, reconClass: followUp.reconClass, state: .open, note: "the channel's query says: \(answer)",
            now: context.clock.now())
    }
}
