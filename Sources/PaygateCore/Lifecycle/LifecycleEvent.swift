/// Everything that can happen to a payment between its creation and its final status, in domain
/// terms. The Channels module maps its `PrepayResult`, `QueryResult`, `CloseResult` and
/// `ChannelNotification` onto these; PaygateCore mirrors only what the lifecycle needs, because
/// the pure domain must not depend on the connectors.
public enum LifecycleEvent: Sendable, Equatable {
    /// Prepay: the channel took the order; the payer is sent on with `payload`.
    case prepayAccepted(ChannelPayload)
    /// Prepay: a definite no (bad account, order refused).
    case prepayRejected(failureCode: String)
    /// Prepay: no definite answer (timeout, 5xx, unreadable). The identical repeat retries it.
    case prepayUnknown

    /// The channel says the payer paid (a verified callback, or the answer to a query).
    case channelReportedPaid(ChannelPaid, from: ReportSource)
    /// The channel says the payment failed for good.
    case channelReportedFailed(failureCode: String, from: ReportSource)
    /// A query found the order at the channel, not paid yet.
    case channelReportedNotPaid
    /// A query found no such order at the channel.
    case channelReportedNotFound
    /// The channel closed the order (the answer to our close, a query, or a callback).
    case channelConfirmedClosed(from: ReportSource)
    /// Our close was refused because the order is already paid. Some channels say so without the
    /// payment's details (nil): then the decision is to query for them. With details it is the
    /// same event as `channelReportedPaid`.
    case channelReportedPaidOnClose(ChannelPaid?)
    /// The channel has no close for this order now (UnionPay before the order's payTimeout, which
    /// the prepay set to `expires_at`): the order expires there by itself, unpaid or not.
    case channelCannotClose

    /// The merchant (POST /v1/payments/{id}/close) or the timeout worker (past expires_at) wants
    /// the payment closed.
    case closeRequested(by: CloseRequester)
}

/// Who told us: a callback must be answered (acknowledged or refused in the channel's form); a
/// query or close answer is just recorded.
public enum ReportSource: String, Sendable, Equatable {
    case callback, query, close
}

public enum CloseRequester: String, Sendable, Equatable {
    case merchant, expiry
}

/// A payment the channel says it took, with the amount it says it took (mirrors the Channels
/// module's `ChannelPayment` without the payment id, which the caller already resolved).
public struct ChannelPaid: Sendable, Equatable {
    public var transactionId: String
    public var amount: Money
    public var paidAt: Timestamp

    public init(transactionId: String, amount: Money, paidAt: Timestamp) {
        self.transactionId = transactionId
        self.amount = amount
        self.paidAt = paidAt
    }
}
