import PaygateCore

/// What every flow works with: the stores and the channels behind their ports, a clock, the
/// configuration values the flows read, and the log. One per thread (a channel client is not
/// shared between threads); the stores behind it are the process's.
public struct ServiceContext {
    public let payments: any PaymentStoring
    public let refunds: any RefundStoring
    /// nil without a `channels` configuration: payments then stay `created` and close here.
    public let channels: (any PaymentChannels)?
    public let clock: any Clock
    /// When the worker looks at an open payment (`queries` in the configuration).
    public let schedule: QuerySchedule
    public let log: Log
    /// Security events for the audit log (the pool's counter); nil where nobody counts them.
    public let securityEvents: (any SecurityEventRecording)?
    /// Risk evaluation of creates (README "Risk"); nil with risk off.
    public let risk: RiskEngine?

    public init(
        payments: any PaymentStoring, refunds: any RefundStoring, channels: (any PaymentChannels)?, clock: any Clock,
        schedule: QuerySchedule, log: Log, securityEvents: (any SecurityEventRecording)? = nil, risk: RiskEngine? = nil
    ) {
        self.payments = payments
        self.refunds = refunds
        self.channels = channels
        self.clock = clock
        self.schedule = schedule
        self.log = log
        self.securityEvents = securityEvents
        self.risk = risk
    }
}

/// Every flow of paygate, one home each (README "Where each flow lives"). The HTTP layer
/// (`Gateway`) and the background jobs (`Jobs`) call these; nothing else decides or writes.
public struct Services {
    public let create: CreatePayment
    public let close: ClosePayment
    public let callback: ChannelCallback
    public let query: QueryPayment
    public let expiry: ExpirePayment
    public let refunds: Refunds
    public let lookup: Lookup
    public let riskReview: RiskReview

    public init(_ context: ServiceContext) {
        let query = QueryPayment(context)
        self.query = query
        create = CreatePayment(context, query: query)
        close = ClosePayment(context, query: query)
        let refunds = Refunds(context)
        self.refunds = refunds
        callback = ChannelCallback(context, query: query, refunds: refunds)
        expiry = ExpirePayment(context, close: close, query: query)
        lookup = Lookup(context)
        riskReview = RiskReview(context, create: create)
    }
}
