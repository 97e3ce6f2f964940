import PaygateCore
import PaygateCrypto

/// An item's key as the table's primary key (channel, day, kind, reference).
struct ReconItemKeyText: Hashable {
    var channel: Channel
    var day: String
    var kind: ReconKind
    var reference: String
}

/// Reconciliation's records in the twin, with MariaDB's rules (sql/shard/0010, `ReconStore`):
/// items keyed as the table is, a rerun keeping a settlement or resolution when the result is the
/// same or matched since, a fee difference posted once per payment (and refund).
extension MemoryStore: ReconStoring {
    public func shardIndex(forSlot slot: Int) -> Int { shard(ofSlot: slot) }

    public func localPayments(_ ids: [PaymentId], channel: Channel, shard: Int) throws -> [PaymentId: ReconLocalRecord] {
        locked {
            var found: [PaymentId: ReconLocalRecord] = [:]
            for id in ids { if let payment = payments[id], payment.channel == channel { found[id] = reconRecord(payment) } }
            return found
        }
    }

    public func localRefunds(_ ids: [RefundId], channel: Channel, shard: Int) throws -> [RefundId: ReconLocalRecord] {
        locked {
            var found: [RefundId: ReconLocalRecord] = [:]
            for id in ids { if let refund = refunds[id], refund.channel == channel { found[id] = reconRecord(refund) } }
            return found
        }
    }

    public func record(_ items: [ReconItemDraft], shard: Int, now: Timestamp) throws {
        try locked {
            for draft in items {
                let key = ReconItemKeyText(channel: draft.channel, day: draft.day.text, kind: draft.kind, reference: draft.reference)
                var item =
                    try reconItems[key]
                    ?? ReconItem(
                        id: ReconItemId(
                            millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: draft.slot, random: try SecureRandom.uint64()),
                        channel: draft.channel, day: draft.day, kind: draft.kind, reference: draft.reference, paymentId: nil, refundId: nil,
                        reconClass: draft.outcome.reconClass, state: draft.outcome.state)
                let settled = item.state == .settled || item.state == .resolved
                let keep = settled && (item.reconClass == draft.outcome.reconClass || draft.outcome.reconClass == .matched)
                if !keep {
                    (item.reconClass, item.state, item.note, item.resolvedBy) = (draft.outcome.reconClass, draft.outcome.state, nil, nil)
                }
                (item.paymentId, item.refundId) = (draft.paymentId, draft.refundId)
                (item.statementAmount, item.statementFee) = (draft.statement?.amount, draft.statement?.fee)
                item.statementStatus = draft.statement?.status.rawValue
                (item.localAmount, item.localFee, item.localStatus) = (draft.local?.amount, draft.local?.fee, draft.local?.status)
                reconItems[key] = item
                if let difference = draft.outcome.feeDifference, difference.minorUnits != 0, let paymentId = draft.paymentId,
                    let merchantId = draft.merchantId
                {
                    let posted = journalByPayment[paymentId, default: []].contains {
                        $0.kind == .feeAdjusted && $0.refundId == draft.refundId
                    }
                    if !posted {
                        post([
                            try LedgerEntry.feeAdjusted(
                                merchantId: merchantId, paymentId: paymentId, refundId: draft.refundId, channel: draft.channel,
                                difference: difference)
                        ])
                    }
                }
            }
        }
    }

    public func unlisted(
        _ kind: ReconKind, channel: Channel, day: StatementDay, shard: Int, after: ReconLocalRecord?, limit: Int
    ) throws -> [ReconLocalRecord] {
        locked {
            let listedDays = Set([day.previous.text, day.text, day.next.text])
            let listed = Set(
                reconItems.values.filter {
                    $0.channel == channel && $0.kind == kind && listedDays.contains($0.day.text) && $0.statementAmount != nil
                }
                .compactMap { kind == .payment ? $0.paymentId?.text : $0.refundId?.text })
            let records: [ReconLocalRecord] =
                kind == .payment
                ? payments.values.filter { $0.channel == channel && $0.status.isPaid && self.shard(ofSlot: $0.id.slot) == shard }
                    .map(reconRecord)
                : refunds.values.filter { $0.channel == channel && $0.status == .succeeded && self.shard(ofSlot: $0.id.slot) == shard }
                    .map(reconRecord)
            let order = { (record: ReconLocalRecord) in
                (record.side.succeededAt ?? day.start, kind == .payment ? record.paymentId.text : record.refundId?.text ?? "")
            }
            return records.filter { record in
                guard let at = record.side.succeededAt, at >= day.start, at < day.end else { return false }
                guard !listed.contains(kind == .payment ? record.paymentId.text : record.refundId?.text ?? "") else { return false }
                return after.map { order($0) < order(record) } ?? true
            }.sorted { order($0) < order($1) }.prefix(limit).map { $0 }
        }
    }

    public func awaiting(channel: Channel, day: StatementDay, shard: Int) throws -> [(item: ReconItem, listedNextDay: Bool)] {
        locked {
            let next = reconItems.values.filter { $0.channel == channel && $0.day == day.next && $0.statementAmount != nil }
            return reconItems.values.filter {
                $0.channel == channel && $0.day == day && $0.reconClass == .awaitingNextDay && $0.state == .open
                    && self.shard(ofSlot: $0.id.slot) == shard
            }.map { item in
                (
                    item,
                    next.contains {
                        $0.kind == item.kind && (item.kind == .payment ? $0.paymentId == item.paymentId : $0.refundId == item.refundId)
                    }
                )
            }
        }
    }

    public func settle(_ key: ReconItemKey, reconClass: ReconClass, state: ReconItemState, note: String, now: Timestamp) throws {
        locked {
            let text = ReconItemKeyText(channel: key.channel, day: key.day.text, kind: key.kind, reference: key.reference)
            guard var item = reconItems[text] else { return }
            (item.reconClass, item.state, item.note, item.resolvedBy) = (reconClass, state, note, "paygate")
            reconItems[text] = item
        }
    }

    public func resolve(_ id: ReconItemId, note: String, actor: String, now: Timestamp) throws -> ReconItem? {
        locked {
            guard let entry = reconItems.first(where: { $0.value.id == id }) else { return nil }
            var item = entry.value
            if item.state != .none { (item.state, item.note, item.resolvedBy) = (.resolved, note, actor) }
            reconItems[entry.key] = item
            return item
        }
    }

    public func items(day: StatementDay, channel: Channel?, all: Bool, limit: Int) throws -> [ReconItem] {
        locked {
            Array(
                reconItems.values.filter {
                    $0.day == day && (channel == nil || $0.channel == channel) && (all || $0.reconClass != .matched)
                }
                .sorted { ($0.channel.rawValue, $0.kind.rawValue, $0.reference) < ($1.channel.rawValue, $1.kind.rawValue, $1.reference) }
                .prefix(limit))
        }
    }

    public func beginRun(channel: Channel, day: StatementDay, now: Timestamp) throws {
        locked {
            let key = channel.rawValue + " " + day.text
            var run = reconRuns[key] ?? ReconRunSummary(channel: channel, day: day, status: .running, currency: .cny)
            if reconRuns[key] != nil { run.runs += 1 }
            (run.status, run.error, run.startedAt) = (.running, nil, now)
            reconRuns[key] = run
        }
    }

    public func finishRun(_ summary: ReconRunSummary, now: Timestamp) throws {
        locked {
            let key = summary.channel.rawValue + " " + summary.day.text
            var run = summary
            run.runs = reconRuns[key]?.runs ?? 1
            run.startedAt = reconRuns[key]?.startedAt
            reconRuns[key] = run
        }
    }

    public func failRun(channel: Channel, day: StatementDay, error: String, now: Timestamp) throws {
        locked {
            let key = channel.rawValue + " " + day.text
            reconRuns[key]?.status = .failed
            reconRuns[key]?.error = error
        }
    }

    public func runs(day: StatementDay?, channel: Channel?) throws -> [ReconRunSummary] {
        locked {
            reconRuns.values.filter { (day == nil || $0.day == day) && (channel == nil || $0.channel == channel) }
                .sorted { ($0.day, $0.channel.rawValue) < ($1.day, $1.channel.rawValue) }
        }
    }

    private func reconRecord(_ payment: Payment) -> ReconLocalRecord {
        let state: ReconLocalSide.State =
            switch payment.status {
            case .succeeded, .partiallyRefunded, .refunded: .succeeded
            case .created, .processing: .pending
            case .failed: .failed
            case .closed: .closed
            }
        let posted = journalByPayment[payment.id, default: []].first { $0.kind == .paymentSucceeded }
        let fee = posted.map { entry in
            entry.lines.filter { $0.account == .channelFees(payment.channel) }.reduce(
                Money(minorUnits: 0, currency: payment.amount.currency)
            ) {
                $0 + $1.amount
            }
        }
        let side = ReconLocalSide(
            amount: payment.amount, fee: state == .succeeded ? fee ?? Money(minorUnits: 0, currency: payment.amount.currency) : nil,
            state: state, succeededAt: state == .succeeded ? payment.paidAt : nil, status: payment.status.rawValue)
        return ReconLocalRecord(
            kind: .payment, paymentId: payment.id, refundId: nil, merchantId: payment.merchantId,
            channelTransactionId: payment.channelTransactionId, side: side)
    }

    private func reconRecord(_ refund: Refund) -> ReconLocalRecord {
        let state: ReconLocalSide.State = refund.status == .succeeded ? .succeeded : refund.status == .failed ? .failed : .pending
        let side = ReconLocalSide(
            amount: refund.amount, fee: nil, state: state, succeededAt: state == .succeeded ? refund.succeededAt : nil,
            status: refund.status.rawValue)
        return ReconLocalRecord(
            kind: .refund, paymentId: refund.paymentId, refundId: refund.id, merchantId: refund.merchantId,
            channelTransactionId: refund.channelRefundId, side: side)
    }
}
