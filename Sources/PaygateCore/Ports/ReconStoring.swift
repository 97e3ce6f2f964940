/// Reconciliation's records (see `PaymentStoring`): items on the shards, one run row per channel
/// and day in the directory. The run (Services) decides with `ReconMatcher`; this executes.
public protocol ReconStoring {
    var shardCount: Int { get }
    func shardIndex(forSlot slot: Int) -> Int

    /// Our records of these payments (of `channel`), all on `shard`. Missing ids: none here.
    func localPayments(_ ids: [PaymentId], channel: Channel, shard: Int) throws -> [PaymentId: ReconLocalRecord]
    /// Our records of these refunds (of `channel`), all on `shard`.
    func localRefunds(_ ids: [RefundId], channel: Channel, shard: Int) throws -> [RefundId: ReconLocalRecord]

    /// Writes the items, all on `shard`, in one transaction: a new item is inserted, one already
    /// there (a rerun) takes the new result, keeping an admin's or paygate's settlement when the
    /// result is the same. A fee difference is posted (`LedgerEntry.feeAdjusted`) once per payment.
    func record(_ items: [ReconItemDraft], shard: Int, now: Timestamp) throws

    /// Payments (refunds) of `channel` that succeeded here during `day`, on `shard`, that no
    /// statement line of the day before, the day or the day after names; in the order they
    /// succeeded, from after `after` (the last record of the previous page).
    func unlisted(
        _ kind: ReconKind, channel: Channel, day: StatementDay, shard: Int, after: ReconLocalRecord?, limit: Int
    ) throws
        -> [ReconLocalRecord]

    /// Items of `day` still awaiting the next day's statement, on `shard`, each with whether a
    /// line of the next day's statement names the same payment (refund).
    func awaiting(channel: Channel, day: StatementDay, shard: Int) throws -> [(item: ReconItem, listedNextDay: Bool)]

    /// Sets an item's class, state and note (paygate's own settlement of a difference).
    func settle(_ key: ReconItemKey, reconClass: ReconClass, state: ReconItemState, note: String, now: Timestamp) throws

    /// An admin closes an open item with a note. Nil: no such item.
    func resolve(_ id: ReconItemId, note: String, actor: String, now: Timestamp) throws -> ReconItem?

    /// Items of a day (all channels when nil), differences only unless `all`.
    func items(day: StatementDay, channel: Channel?, all: Bool, limit: Int) throws -> [ReconItem]

    /// Marks the run of (channel, day) running (a new row, or the next run of an earlier one).
    func beginRun(channel: Channel, day: StatementDay, now: Timestamp) throws
    func finishRun(_ summary: ReconRunSummary, now: Timestamp) throws
    func failRun(channel: Channel, day: StatementDay, error: String, now: Timestamp) throws
    func runs(day: StatementDay?, channel: Channel?) throws -> [ReconRunSummary]
}

/// Our record of a payment or refund, as reconciliation reads it.
public struct ReconLocalRecord: Sendable, Equatable {
    public var kind: ReconKind
    public var paymentId: PaymentId
    public var refundId: RefundId?
    public var merchantId: String
    public var channelTransactionId: String?
    public var side: ReconLocalSide
    public init(
        kind: ReconKind, paymentId: PaymentId, refundId: RefundId?, merchantId: String, channelTransactionId: String?, side: ReconLocalSide
    ) {
        self.kind = kind; self.paymentId = paymentId; self.refundId = refundId; self.merchantId = merchantId
        self.channelTransactionId = channelTransactionId; self.side = side
    }
}

/// Which item: one per channel, day, kind and reference; the slot says which shard holds it.
public struct ReconItemKey: Sendable, Equatable {
    public var channel: Channel
    public var day: StatementDay
    public var kind: ReconKind
    public var reference: String
    public var slot: Int
    public init(channel: Channel, day: StatementDay, kind: ReconKind, reference: String, slot: Int) {
        self.channel = channel; self.day = day; self.kind = kind; self.reference = reference; self.slot = slot
    }
}

/// An item as the run writes it.
public struct ReconItemDraft: Sendable, Equatable {
    public var channel: Channel
    public var day: StatementDay
    public var kind: ReconKind
    /// The order (refund) number as the channel lists it, or ours for an unlisted record.
    public var reference: String
    public var slot: Int
    public var paymentId: PaymentId?
    public var refundId: RefundId?
    public var merchantId: String?
    public var outcome: ReconMatcher.Outcome
    public var statement: ReconStatementSide?
    public var local: ReconLocalSide?
    public var channelTransactionId: String?
    public var currency: Currency
    public var key: ReconItemKey { ReconItemKey(channel: channel, day: day, kind: kind, reference: reference, slot: slot) }

    public init(
        channel: Channel, day: StatementDay, kind: ReconKind, reference: String, slot: Int, paymentId: PaymentId?, refundId: RefundId?,
        merchantId: String?, outcome: ReconMatcher.Outcome, statement: ReconStatementSide?, local: ReconLocalSide?,
        channelTransactionId: String?, currency: Currency
    ) {
        self.channel = channel; self.day = day; self.kind = kind; self.reference = reference; self.slot = slot
        self.paymentId = paymentId; self.refundId = refundId; self.merchantId = merchantId; self.outcome = outcome
        self.statement = statement; self.local = local; self.channelTransactionId = channelTransactionId; self.currency = currency
    }
}

/// An item as stored (reports, resolution).
public struct ReconItem: Sendable, Equatable {
    public var id: ReconItemId
    public var channel: Channel
    public var day: StatementDay
    public var kind: ReconKind
    public var reference: String
    public var paymentId: PaymentId?
    public var refundId: RefundId?
    public var reconClass: ReconClass
    public var state: ReconItemState
    public var statementAmount: Money?
    public var statementFee: Money?
    public var statementStatus: String?
    public var localAmount: Money?
    public var localFee: Money?
    public var localStatus: String?
    public var note: String?
    public var resolvedBy: String?

    public var key: ReconItemKey { ReconItemKey(channel: channel, day: day, kind: kind, reference: reference, slot: id.slot) }

    public init(
        id: ReconItemId, channel: Channel, day: StatementDay, kind: ReconKind, reference: String, paymentId: PaymentId?,
        refundId: RefundId?, reconClass: ReconClass, state: ReconItemState
    ) {
        self.id = id; self.channel = channel; self.day = day; self.kind = kind; self.reference = reference
        self.paymentId = paymentId; self.refundId = refundId; self.reconClass = reconClass; self.state = state
    }
}
