/// One channel's day, both sides added up (the `recon_runs` row, `paygate-admin recon report`).
public struct ReconRunSummary: Sendable, Equatable {
    public enum Status: String, Sendable { case running, done, failed }

    /// Count and sum of one kind of record on one side.
    public struct Tally: Sendable, Equatable {
        public var count = 0
        public var amount: Money
        public init(currency: Currency) { amount = Money(minorUnits: 0, currency: currency) }
        public mutating func add(_ value: Money) {
            count += 1
            amount = amount + value
        }
    }

    public var channel: Channel
    public var day: StatementDay
    public var status: Status
    public var runs = 1
    public var filePath: String?
    public var fileSHA256: String?
    public var statementPayments: Tally
    public var statementRefunds: Tally
    public var statementFees: Money
    public var localPayments: Tally
    public var localRefunds: Tally
    public var localFees: Money
    public var matched = 0
    /// Items of every class but matched and awaiting.
    public var differences = 0
    public var awaiting = 0
    public var error: String?
    /// When the latest run began (read back from the row).
    public var startedAt: Timestamp?

    public init(channel: Channel, day: StatementDay, status: Status, currency: Currency) {
        self.channel = channel
        self.day = day
        self.status = status
        statementPayments = Tally(currency: currency)
        statementRefunds = Tally(currency: currency)
        localPayments = Tally(currency: currency)
        localRefunds = Tally(currency: currency)
        statementFees = Money(minorUnits: 0, currency: currency)
        localFees = Money(minorUnits: 0, currency: currency)
    }

    /// Counts an item of the run, and our side of it.
    public mutating func count(_ draft: ReconItemDraft) {
        switch draft.outcome.reconClass {
        case .matched: matched += 1
        case .awaitingNextDay: awaiting += 1
        default: differences += 1
        }
        if let statement = draft.statement {
            // A refund's fee is what the channel gave back of the payment's fee.
            if draft.kind == .payment {
                statementPayments.add(statement.amount)
                statementFees = statementFees + statement.fee
            } else {
                statementRefunds.add(statement.amount)
                statementFees = statementFees - statement.fee
            }
        }
        if let local = draft.local, local.state == .succeeded {
            if draft.kind == .payment { localPayments.add(local.amount) } else { localRefunds.add(local.amount) }
            if let fee = local.fee { localFees = localFees + fee }
            // A refund's returned fee is posted by this run (or was by an earlier one).
            if draft.kind == .refund, let returned = draft.outcome.feeDifference { localFees = localFees + returned }
        }
    }
}
