import Channels
import PaygateCore

/// Reconciles one channel's day against its statement (README "Reconciliation"): fetch and keep
/// the file, read it once whole (a file that fails anywhere records nothing), then again line by
/// line in batches: each line is matched by its order number with our record on that payment's
/// shard, decided by `ReconMatcher` and written by the store; then what succeeded here and no
/// line names; then the previous day's items that waited for this statement; last the channel
/// queries the differences call for. A rerun writes the same items again, never new ones.
public struct ReconcileDay {
    /// Lines decided and written together: one read and one write per shard per batch, and the
    /// memory of a run bounded by it whatever the file's size.
    public static let batchSize = 500

    let context: ServiceContext
    let store: any ReconStoring
    let source: any StatementSource
    let configuration: ReconciliationConfiguration
    let followUps: ReconFollowUps

    public init(
        context: ServiceContext, store: any ReconStoring, source: any StatementSource, configuration: ReconciliationConfiguration
    ) {
        self.context = context
        self.store = store
        self.source = source
        self.configuration = configuration
        followUps = ReconFollowUps(context: context, store: store, query: QueryPayment(context))
    }

    /// Reconciles (channel, day): the statement is downloaded, or `file` is the one at hand.
    public func run(_ channel: Channel, day: StatementDay, file: String? = nil, requestId: String) throws(ReconError) -> ReconRunSummary {
        guard let directory = configuration.directory else {
            throw ReconError(.notConfigured, "reconciliation.directory is not set in the configuration")
        }
        try Self.storage { try store.beginRun(channel: channel, day: day, now: context.clock.now()) }
        do throws(ReconError) {
            let statement: StatementFile
            if let file {
                statement = try source.adopt(channel, day: day, path: file)
            } else {
                statement = try source.fetch(channel, day: day, into: directory + "/" + channel.rawValue, requestId: requestId)
            }
            var summary = try reconcile(statement, requestId: requestId)
            summary.status = .done
            try Self.storage { try store.finishRun(summary, now: context.clock.now()) }
            context.log.info(
                "reconciled \(channel.rawValue) \(day.text): \(summary.matched) matched, \(summary.differences) differences, \(summary.awaiting) awaiting the next day",
                requestId: requestId)
            return summary
        } catch {
            context.log.error("reconciliation of \(channel.rawValue) \(day.text) failed: \(error)", requestId: requestId)
            try? store.failRun(channel: channel, day: day, error: error.description, now: context.clock.now())
            throw error
        }
    }

    private func reconcile(_ file: StatementFile, requestId: String) throws(ReconError) -> ReconRunSummary {
        if file.path != nil {
            // The whole file first: its totals are checked only at its end.
            let lines = try source.open(file)
            while try lines.next() != nil {}
        }
        var run = ReconRunState(channel: file.channel, day: file.day, file: file, followUpsMax: configuration.followUpQueriesMax)
        if file.path != nil {
            let lines = try source.open(file)
            var batch: [ReconStatementLine] = []
            batch.reserveCapacity(Self.batchSize)
            while let line = try lines.next() {
                batch.append(line)
                if batch.count == Self.batchSize {
                    try recordLines(batch, &run)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try recordLines(batch, &run)
        }
        for kind in ReconKind.allCases { try recordUnlisted(kind, &run) }
        try settleAwaiting(&run)
        followUps.run(run.pending, requestId: requestId)
        return run.summary
    }

    /// One batch of lines: grouped by the shard of the payment each names (a line naming nothing
    /// of ours goes with slot 0), matched with our records read in one query per shard and kind.
    private func recordLines(_ batch: [ReconStatementLine], _ run: inout ReconRunState) throws(ReconError) {
        guard !batch.isEmpty else { return }
        let reference = ChannelOrderReference(run.channel)
        var byShard: [Int: [ReconNamedLine]] = [:]
        for line in batch {
            let named = ReconNamedLine(line, reference: reference)
            byShard[store.shardIndex(forSlot: named.slot), default: []].append(named)
        }
        for (shard, lines) in byShard {
            let payments = try Self.storage {
                try store.localPayments(
                    lines.compactMap { $0.line.kind == .payment ? $0.paymentId : nil }, channel: run.channel, shard: shard)
            }
            let refunds = try Self.storage {
                try store.localRefunds(lines.compactMap { $0.line.kind == .refund ? $0.refundId : nil }, channel: run.channel, shard: shard)
            }
            var drafts: [ReconItemDraft] = []
            for named in lines {
                let local = named.line.kind == .payment ? named.paymentId.flatMap { payments[$0] } : named.refundId.flatMap { refunds[$0] }
                let outcome = ReconMatcher.classify(named.line.kind, statement: named.line.side, local: local?.side)
                drafts.append(run.draft(named, local: local, outcome: outcome))
            }
            try Self.storage { try store.record(drafts, shard: shard, now: context.clock.now()) }
        }
    }

    /// What succeeded here during the day and no line names, page by page on each shard.
    private func recordUnlisted(_ kind: ReconKind, _ run: inout ReconRunState) throws(ReconError) {
        let window = Int64(configuration.timingWindowSeconds)
        for shard in 0..<store.shardCount {
            var after: ReconLocalRecord?
            while true {
                let page = try Self.storage {
                    try store.unlisted(kind, channel: run.channel, day: run.day, shard: shard, after: after, limit: Self.batchSize)
                }
                let drafts = page.map { local in
                    run.draft(
                        unlisted: local,
                        outcome: ReconMatcher.classifyUnlisted(kind, local: local.side, day: run.day, timingWindowSeconds: window))
                }
                try Self.storage { try store.record(drafts, shard: shard, now: context.clock.now()) }
                guard page.count == Self.batchSize else { break }
                after = page.last
            }
        }
    }

    /// The previous day's items that waited for this statement: listed here, or missing.
    private func settleAwaiting(_ run: inout ReconRunState) throws(ReconError) {
        let previous = run.day.previous
        for shard in 0..<store.shardCount {
            let waiting = try Self.storage { try store.awaiting(channel: run.channel, day: previous, shard: shard) }
            for (item, listed) in waiting {
                let outcome = ReconMatcher.settleAwaiting(item.kind, listedNextDay: listed)
                let note = listed ? "listed on the statement of \(run.day.text)" : "not on the statement of \(run.day.text) either"
                try Self.storage {
                    try store.settle(item.key, reconClass: outcome.reconClass, state: outcome.state, note: note, now: context.clock.now())
                }
                if outcome.followUp == .queryPayment, let paymentId = item.paymentId {
                    run.queue(ReconFollowUps.Pending(key: item.key, paymentId: paymentId, reconClass: outcome.reconClass, statement: nil))
                }
            }
        }
    }

    static func storage<T>(_ body: () throws -> T) throws(ReconError) -> T {
        do {
            return try body()
        } catch {
            throw ReconError(.storage, "\(error)")
        }
    }
}
