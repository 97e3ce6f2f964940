/// The only place that decides whether a payment may change status. Every writer (API handlers,
/// callbacks, the timeout worker, refunds) asks it first and then writes with a compare-and-set
/// on the old status and version, so two racing writers cannot both apply a change.
public enum PaymentStateMachine {
    /// The transition table of docs/API.md section 5, and nothing else.
    public static func allows(from source: PaymentStatus, to target: PaymentStatus) -> Bool {
        switch (source, target) {
        case (.created, .processing), (.created, .failed), (.created, .closed): true
        case (.processing, .succeeded), (.processing, .failed), (.processing, .closed): true
        case (.succeeded, .partiallyRefunded), (.succeeded, .refunded): true
        case (.partiallyRefunded, .partiallyRefunded), (.partiallyRefunded, .refunded): true
        default: false
        }
    }

    public struct IllegalTransition: Error, Sendable, Equatable {
        public let source: PaymentStatus
        public let target: PaymentStatus
    }

    /// What a request to move a payment into `target` means for a payment now in `source`.
    public enum Decision: Sendable, Equatable {
        /// Write the change.
        case apply
        /// Already there: answer with the current payment and write nothing (idempotent repeat).
        case alreadyDone
    }

    /// Decides a requested transition. Repeating a transition that already happened (closing a
    /// closed payment) is `alreadyDone`; `partially_refunded -> partially_refunded` is a real
    /// change (another partial refund) and therefore `apply`.
    public static func decide(from source: PaymentStatus, to target: PaymentStatus) throws(IllegalTransition) -> Decision {
        if allows(from: source, to: target) { return .apply }
        if source == target { return .alreadyDone }
        throw IllegalTransition(source: source, target: target)
    }
}
