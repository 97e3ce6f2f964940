/// What reconciliation compares: one line of a channel's statement and our own record of the same
/// payment or refund, each reduced to what the two sides can disagree on.
public enum ReconKind: String, Sendable, CaseIterable {
    case payment, refund
}

/// The result of comparing a statement line with our record (README "Reconciliation").
public enum ReconClass: String, Sendable, CaseIterable {
    case matched
    /// Succeeded here, not in the channel's statement.
    case channelMissing = "channel_missing"
    /// In the channel's statement, not succeeded here.
    case localMissing = "local_missing"
    case amountMismatch = "amount_mismatch"
    /// A refund the statement lists with another status than ours.
    case statusMismatch = "status_mismatch"
    case feeMismatch = "fee_mismatch"
    /// Succeeded here just before the day's end and not in the statement: the channel may have
    /// dated it the next day, so it is reported only after the next day's statement.
    case awaitingNextDay = "awaiting_next_day"
}

/// Where an item stands with the people who run paygate.
public enum ReconItemState: String, Sendable, CaseIterable {
    /// Nothing to do (matched).
    case none
    /// A difference nobody has dealt with.
    case open
    /// Dealt with by paygate itself: a query confirmed the channel's side and the normal
    /// lifecycle applied it, or the next day's statement listed it.
    case settled
    /// Closed by an admin (`paygate-admin recon resolve`), with a note.
    case resolved
}

/// A statement line, as the channel states it.
public struct ReconStatementSide: Sendable, Equatable {
    public enum Status: String, Sendable { case succeeded, processing, failed }
    public var amount: Money
    public var fee: Money
    public var status: Status
    public var occurredAt: Timestamp
    public init(amount: Money, fee: Money, status: Status, occurredAt: Timestamp) {
        self.amount = amount; self.fee = fee; self.status = status; self.occurredAt = occurredAt
    }
}

/// Our record of the same payment or refund.
public struct ReconLocalSide: Sendable, Equatable {
    public enum State: String, Sendable {
        /// A payment that took the money (succeeded, partially or wholly refunded since), a
        /// refund that gave it back.
        case succeeded
        /// Not final yet (a payment created or processing, a refund processing).
        case pending
        case failed
        case closed
    }
    public var amount: Money
    /// The channel's fee we posted when the payment succeeded; nil for refunds (we post none).
    public var fee: Money?
    public var state: State
    /// When it succeeded here (paid_at, succeeded_at); nil when it has not.
    public var succeededAt: Timestamp?
    /// The status as stored, for the report.
    public var status: String
    public init(amount: Money, fee: Money?, state: State, succeededAt: Timestamp?, status: String) {
        self.amount = amount; self.fee = fee; self.state = state; self.succeededAt = succeededAt; self.status = status
    }
}
