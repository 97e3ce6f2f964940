import Channels
import PaygateCore

/// A statement line with what its order numbers name here.
struct ReconNamedLine {
    let line: ReconStatementLine
    let paymentId: PaymentId?
    let refundId: RefundId?
    /// The slot of the payment it names; 0 for a line naming nothing of ours (kept on that shard).
    let slot: Int

    init(_ line: ReconStatementLine, reference: ChannelOrderReference) {
        self.line = line
        paymentId = reference.paymentId(line.orderReference)
        refundId = line.refundReference.flatMap(reference.refundId).flatMap(RefundId.init)
        slot = refundId?.slot ?? paymentId?.slot ?? 0
    }
}

/// What one run has gathered so far: the totals of its row and the queries owed.
struct ReconRunState {
    let channel: Channel
    let day: StatementDay
    let followUpsMax: Int
    var summary: ReconRunSummary
    private(set) var pending: [ReconFollowUps.Pending] = []

    init(channel: Channel, day: StatementDay, file: StatementFile, followUpsMax: Int) {
        self.channel = channel
        self.day = day
        self.followUpsMax = followUpsMax
        summary = ReconRunSummary(channel: channel, day: day, status: .running, currency: .cny)
        summary.filePath = file.path
        summary.fileSHA256 = file.sha256
    }

    /// The item of a statement line, counted.
    mutating func draft(_ named: ReconNamedLine, local: ReconLocalRecord?, outcome: ReconMatcher.Outcome) -> ReconItemDraft {
        let line = named.line
        let draft = ReconItemDraft(
            channel: channel, day: day, kind: line.kind,
            reference: line.kind == .payment ? line.orderReference : line.refundReference ?? line.orderReference, slot: named.slot,
            paymentId: local?.paymentId ?? named.paymentId, refundId: named.refundId, merchantId: local?.merchantId, outcome: outcome,
            statement: line.side, local: local?.side, channelTransactionId: line.channelTransactionId, currency: line.side.amount.currency)
        summary.count(draft)
        if outcome.followUp == .queryPayment, line.kind == .payment, let paymentId = local?.paymentId {
            queue(ReconFollowUps.Pending(key: draft.key, paymentId: paymentId, reconClass: outcome.reconClass, statement: line.side))
        }
        return draft
    }

    /// The item of a record no line names, counted.
    mutating func draft(unlisted local: ReconLocalRecord, outcome: ReconMatcher.Outcome) -> ReconItemDraft {
        let reference = ChannelOrderReference(channel)
        let number = local.kind == .payment ? reference.payment(local.paymentId) : reference.refund(local.refundId?.text ?? "")
        let draft = ReconItemDraft(
            channel: channel, day: day, kind: local.kind, reference: number, slot: local.refundId?.slot ?? local.paymentId.slot,
            paymentId: local.paymentId, refundId: local.refundId, merchantId: local.merchantId, outcome: outcome, statement: nil,
            local: local.side, channelTransactionId: local.channelTransactionId, currency: local.side.amount.currency)
        summary.count(draft)
        if outcome.followUp == .queryPayment, local.kind == .payment {
            queue(ReconFollowUps.Pending(key: draft.key, paymentId: local.paymentId, reconClass: outcome.reconClass, statement: nil))
        }
        return draft
    }

    /// At most `followUpsMax` queries follow a run; the rest wait for the next run or an admin.
    mutating func queue(_ followUp: ReconFollowUps.Pending) {
        if pending.count < followUpsMax { pending.append(followUp) }
    }
}
