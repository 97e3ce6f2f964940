/// What `PaymentLifecycle.decide` wants done, for the I/O layer to carry out. The write, its
/// merchant events and its anomaly rows go into one local transaction on the payment's shard;
/// channel actions run after that transaction commits (a refund is asked for only once the anomaly
/// that remembers it is stored, so a crash in between cannot refund twice).
public struct LifecycleDecision: Sendable, Equatable {
    /// The status change to write with a compare-and-set on `write.source`, or nil.
    public var write: StatusWrite?
    /// Merchant notifications (docs/API.md section 8), one per final status reached by `write`.
    public var merchantEvents: [MerchantEventType]
    /// Rows for review; never a reason to lose money.
    public var anomalies: [PaymentAnomaly]
    public var channelActions: [ChannelAction]
    public var answer: LifecycleAnswer
    /// Why, in a few words, for the log line (never shown to a merchant).
    public var reason: String

    public init(
        write: StatusWrite? = nil, merchantEvents: [MerchantEventType] = [], anomalies: [PaymentAnomaly] = [],
        channelActions: [ChannelAction] = [], answer: LifecycleAnswer, reason: String
    ) {
        self.write = write
        self.merchantEvents = merchantEvents
        self.anomalies = anomalies
        self.channelActions = channelActions
        self.answer = answer
        self.reason = reason
    }

    /// Nothing to write or do; only an answer.
    public static func nothing(_ answer: LifecycleAnswer, _ reason: String) -> LifecycleDecision {
        LifecycleDecision(answer: answer, reason: reason)
    }
}

/// A status change and the columns written with it. `steps` is the path through the transition
/// table, each step checked by `PaymentStateMachine`: usually one status, but a payment still
/// `created` that the channel reports paid goes `created -> processing -> succeeded` in one write
/// (the table has no `created -> succeeded`), with one history row per step.
public struct StatusWrite: Sendable, Equatable {
    public var source: PaymentStatus
    public var steps: [PaymentStatus]
    public var channelTransactionId: String?
    public var paidAt: Timestamp?
    public var failureCode: String?
    /// Becomes the payment's `channel_payload`.
    public var channelPayload: ChannelPayload?

    public init(
        source: PaymentStatus, steps: [PaymentStatus], channelTransactionId: String? = nil, paidAt: Timestamp? = nil,
        failureCode: String? = nil, channelPayload: ChannelPayload? = nil
    ) {
        precondition(!steps.isEmpty, "a status write without a target")
        self.source = source
        self.steps = steps
        self.channelTransactionId = channelTransactionId
        self.paidAt = paidAt
        self.failureCode = failureCode
        self.channelPayload = channelPayload
    }

    public var target: PaymentStatus { steps[steps.count - 1] }
}

/// The notifications of docs/API.md section 8. The raw value is the wire `type`. Payment events are
/// decided by `PaymentLifecycle`, refund events by `RefundLifecycle`.
public enum MerchantEventType: String, Sendable, Equatable, CaseIterable {
    case paymentSucceeded = "payment.succeeded"
    case paymentFailed = "payment.failed"
    case paymentClosed = "payment.closed"
    case refundSucceeded = "refund.succeeded"
    case refundFailed = "refund.failed"
}

/// Calls to the payment's channel that the decision asks for.
public enum ChannelAction: Sendable, Equatable {
    /// Close the order at the channel; its answer comes back as `channelConfirmedClosed` or
    /// `channelReportedPaidOnClose`. Nothing is written here until then.
    case closeAtChannel
    /// Ask the channel for the payment's details; the answer comes back as a channel report.
    case queryPayment
    /// Give back money the channel took for an order we will not fulfil (see `PaymentLifecycle`).
    case refundLatePayment(amount: Money, transactionId: String)
}

/// How to answer whoever delivered the event.
public enum LifecycleAnswer: String, Sendable, Equatable {
    /// Nobody is waiting for an answer (a query or close result, the timeout worker), or the
    /// merchant gets the payment as it now is.
    case none
    /// A callback: answer in the channel's success form so it stops retrying.
    case acknowledge
    /// A callback: answer in the channel's failure form (it will retry; the anomaly is recorded).
    case refuse
    /// A merchant request the payment's status does not allow: 409 `invalid_state`.
    case invalidState = "invalid_state"
}
