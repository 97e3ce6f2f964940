import Channels
import PaygateCore

/// The payment channels as the flows see them: one call per operation, each answered with the
/// channel's definite word or why there is none. `LiveChannels` makes the calls (signed HTTPS,
/// breakers); tests give the flows a scripted stand-in.
public protocol PaymentChannels: AnyObject {
    func prepay(_ order: PrepayOrder, on channel: Channel, requestId: String) -> ChannelCall<PrepayResult>
    func close(_ payment: ChannelPaymentReference, on channel: Channel, requestId: String) -> ChannelCall<CloseResult>
    func query(_ payment: ChannelPaymentReference, on channel: Channel, requestId: String) -> ChannelCall<QueryResult>
    func refund(_ order: RefundOrder, on channel: Channel, requestId: String) -> ChannelCall<RefundResult>
    func queryRefund(_ refund: ChannelRefundReference, on channel: Channel, requestId: String) -> ChannelCall<RefundResult>

    /// Where the channel posts its callbacks for our orders.
    func callbackURL(for channel: Channel) -> String
    /// Checks a callback's signature (and decrypts it); nil when the channel is not configured.
    func verifyCallback(_ request: HTTPRequest, from channel: Channel, now: Timestamp) -> CallbackVerification?
    /// The answer in the channel's own form: success stops its retries, failure asks for them.
    func acknowledgement(to channel: Channel, accepted: Bool) -> HTTPResponse
}

/// One call's outcome. Everything that is not a definite answer from the channel is
/// `.unavailable`; an answer whose own content says "unknown" is `.answered(.unknown)`.
public enum ChannelCall<Answer> {
    case answered(Answer)
    /// Breaker open, timeout, unreachable, 5xx or an answer we could not verify.
    case unavailable(reason: String)
    /// The channel has no such operation for this payment now (UnionPay cannot close an unpaid
    /// order before it expires): nothing was sent.
    case unsupported(reason: String)
}

/// Lets a call's wait on the channel not count as work (the pool's `WorkGate`): the thread
/// gives its permit back while it waits and takes one again, ahead of new requests, after.
public protocol CallWaiting: Sendable {
    func away<T>(_ body: () -> T) -> T
}
