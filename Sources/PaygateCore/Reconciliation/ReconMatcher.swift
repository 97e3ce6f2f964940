/// The reconciliation rules, decided here and only here; the run (Services) feeds lines and
/// records to them and Storage writes what they return.
public enum ReconMatcher {
    /// What to do after classifying.
    public enum FollowUp: Sendable, Equatable {
        case none
        /// Ask the channel about the payment: the answer goes through the payment's lifecycle
        /// (a payment the channel took becomes `succeeded`, with its posting and webhook, or is
        /// refunded as a late payment when it was already closed here), never direct SQL.
        case queryPayment
        /// Wait for an admin (`paygate-admin recon resolve`).
        case admin
    }

    public struct Outcome: Sendable, Equatable {
        public var reconClass: ReconClass
        public var state: ReconItemState
        public var followUp: FollowUp
        /// What the statement's fee changes in the fee account, posted once: on a payment its fee
        /// minus the one we posted at success; on a refund the fee the channel gave back
        /// (negative: WeChat Pay returns a refunded payment's fee in proportion, we post none).
        public var feeDifference: Money?

        public init(reconClass: ReconClass, state: ReconItemState, followUp: FollowUp, feeDifference: Money?) {
            self.reconClass = reconClass; self.state = state; self.followUp = followUp; self.feeDifference = feeDifference
        }
    }

    /// A statement line and our record of what it names (nil: we have none).
    public static func classify(_ kind: ReconKind, statement: ReconStatementSide, local: ReconLocalSide?) -> Outcome {
        guard let local else { return open(.localMissing, kind == .payment ? .queryPayment : .admin) }
        switch kind {
        case .payment:
            // A payment line says the channel took the money.
            guard local.state == .succeeded else { return open(.localMissing, .queryPayment) }
        case .refund:
            guard statement.status == .succeeded, local.state == .succeeded else {
                guard statement.status.rawValue != local.state.rawValue else { break }
                return open(.statusMismatch, .admin)
            }
        }
        guard statement.amount == local.amount else { return open(.amountMismatch, .admin) }
        if kind == .refund, statement.status == .succeeded, statement.fee.minorUnits > 0 {
            return Outcome(
                reconClass: .matched, state: .none, followUp: .none,
                feeDifference: Money(minorUnits: -statement.fee.minorUnits, currency: statement.fee.currency))
        }
        if let ours = local.fee, ours != statement.fee {
            var outcome = open(.feeMismatch, .admin)
            outcome.feeDifference = statement.fee - ours
            return outcome
        }
        return Outcome(reconClass: .matched, state: .none, followUp: .none, feeDifference: nil)
    }

    /// How long before a day's end something that succeeded here may be dated the next day by
    /// the channel (its clock and ours differ, and the channel dates by its own completion time).
    public static let timingWindowSecondsDefault: Int64 = 15 * 60

    /// A payment or refund that succeeded here on `day` and that no line of the day names.
    public static func classifyUnlisted(
        _ kind: ReconKind, local: ReconLocalSide, day: StatementDay, timingWindowSeconds: Int64
    ) -> Outcome {
        if let succeededAt = local.succeededAt, succeededAt >= day.end.adding(seconds: -timingWindowSeconds) {
            return Outcome(reconClass: .awaitingNextDay, state: .open, followUp: .none, feeDifference: nil)
        }
        return open(.channelMissing, kind == .payment ? .queryPayment : .admin)
    }

    /// An item that waited for the next day's statement, once that statement was read: listed
    /// there (with whatever class its line got there), or truly missing at the channel.
    public static func settleAwaiting(_ kind: ReconKind, listedNextDay: Bool) -> Outcome {
        listedNextDay
            ? Outcome(reconClass: .matched, state: .settled, followUp: .none, feeDifference: nil)
            : open(.channelMissing, kind == .payment ? .queryPayment : .admin)
    }

    private static func open(_ reconClass: ReconClass, _ followUp: FollowUp) -> Outcome {
        Outcome(reconClass: reconClass, state: .open, followUp: followUp, feeDifference: nil)
    }
}
