import Channels
import HTTPClient
import PaygateCore

/// The channels of one thread (pool thread or worker): each call goes through the channel's
/// breaker, is signed by its connector, sent on this thread's client and parsed. Everything that
/// is not a definite answer from the channel is `.unavailable`.
public final class LiveChannels: PaymentChannels {
    static func isOther(_ code: OutboundError.Code) -> Bool {
        if case .other = code { return true }
        return false
    }

    public let runtime: ChannelRuntime
    let log: Log
    /// Given back while the call waits on the channel.
    let gate: (any CallWaiting)?
    private lazy var client = HTTPClient(configuration: runtime.client, share: runtime.clientShare.get())

    public init(runtime: ChannelRuntime, gate: (any CallWaiting)?, log: Log) {
        self.runtime = runtime
        self.gate = gate
        self.log = log
    }

    private func away<T>(_ body: () -> T) -> T {
        guard let gate else { return body() }
        return gate.away(body)
    }

    public func prepay(_ order: PrepayOrder, on channel: Channel, requestId: String) -> ChannelCall<PrepayResult> {
        call(
            channel, requestId: requestId, build: { connector, now throws(ChannelError) in try connector.prepayRequest(order, now: now) },
            parse: { connector, response in connector.prepayResult(response, for: order) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
    }

    public func close(_ payment: ChannelPaymentReference, on channel: Channel, requestId: String) -> ChannelCall<CloseResult> {
        call(
            channel, requestId: requestId, build: { connector, now throws(ChannelError) in try connector.closeRequest(payment, now: now) },
            parse: { connector, response in connector.closeResult(response, for: payment.paymentId) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
    }

    public func query(_ payment: ChannelPaymentReference, on channel: Channel, requestId: String) -> ChannelCall<QueryResult> {
        call(
            channel, requestId: requestId, build: { connector, now throws(ChannelError) in try connector.queryRequest(payment, now: now) },
            parse: { connector, response in connector.queryResult(response, for: payment.paymentId) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
    }

    public func refund(_ order: RefundOrder, on channel: Channel, requestId: String) -> ChannelCall<RefundResult> {
        call(
            channel, requestId: requestId, build: { connector, now throws(ChannelError) in try connector.refundRequest(order, now: now) },
            parse: { connector, response in connector.refundResult(response, for: order) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
    }

    public func queryRefund(_ refund: ChannelRefundReference, on channel: Channel, requestId: String) -> ChannelCall<RefundResult> {
        call(
            channel, requestId: requestId,
            build: { connector, now throws(ChannelError) in try connector.refundQueryRequest(refund, now: now) },
            parse: { connector, response in connector.refundQueryResult(response, for: refund) },
            isDefinite: { if case .unknown = $0 { false } else { true } })
    }

    public func callbackURL(for channel: Channel) -> String {
        runtime.callbackURL(for: channel)
    }

    public func verifyCallback(_ request: HTTPRequest, from channel: Channel, now: Timestamp) -> CallbackVerification? {
        runtime.connectors[channel]?.verifyCallback(request, now: now)
    }

    public func acknowledgement(to channel: Channel, accepted: Bool) -> HTTPResponse {
        runtime.connectors[channel]?.callbackAcknowledgement(accepted: accepted)
            ?? .error(APIError(.notFound, "No such channel."), requestId: "")
    }

    private func call<Answer>(
        _ channel: Channel, requestId: String,
        build: (any ChannelConnector, Timestamp) throws(ChannelError) -> OutboundRequest,
        parse: (any ChannelConnector, ChannelResponse) -> Answer,
        isDefinite: (Answer) -> Bool
    ) -> ChannelCall<Answer> {
        guard let connector = runtime.connectors[channel] else { return .unavailable(reason: "channel not configured") }
        let now = Timestamp.now()
        if runtime.breakers.admit(channel, now: now) == .rejectNow {
            return .unavailable(reason: "circuit breaker open for \(channel.rawValue)")
        }
        let request: OutboundRequest
        do { request = try build(connector, now) } catch {
            // Nothing was sent: the admitted call ends without a verdict on the channel.
            runtime.breakers.record(channel, success: true, now: .now())
            if error.code == .unsupported { return .unsupported(reason: error.message) }
            log.error("\(channel.rawValue): cannot build the request: \(error.code.rawValue)", requestId: requestId)
            return .unavailable(reason: "request could not be built")
        }
        // The send waits on the channel: another request works meanwhile.
        var result = away { client.send(request) }
        // A kept-alive connection that the far side closed just as we reused it (a server
        // reloading, an idle timeout) fails without an answer. Every channel call is idempotent
        // at the channel (our payment or refund number), so one fresh attempt is safe; timeouts
        // are not retried: the channel was slow, not gone.
        if case .failure(let failure) = result, failure.code == .connectionFailed || Self.isOther(failure.code) {
            log.info("\(channel.rawValue): \(failure); retrying once on a fresh connection", requestId: requestId)
            result = away { client.send(request) }
        }
        switch result {
        case .failure(let failure):
            runtime.breakers.record(channel, success: false, now: .now())
            log.warning("\(channel.rawValue): \(failure)", requestId: requestId)
            return .unavailable(reason: "channel unreachable or timed out")
        case .response(let status, let headers, let body, _):
            let answer = parse(connector, ChannelResponse(status: status, headers: headers, body: body))
            let definite = isDefinite(answer)
            runtime.breakers.record(channel, success: definite, now: .now())
            if !definite { log.warning("\(channel.rawValue): no definite answer (HTTP \(status))", requestId: requestId) }
            return .answered(answer)
        }
    }
}
