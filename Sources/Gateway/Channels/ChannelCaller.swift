import Channels
import HTTPClient
import PaygateCore

/// One call to a channel from a pool thread: the breaker, the signed request, the send and the
/// parse. Everything that is not a definite answer from the channel is `.unavailable`.
final class ChannelCaller {
    static func isOther(_ code: OutboundError.Code) -> Bool {
        if case .other = code { return true }
        return false
    }

    let runtime: ChannelRuntime
    let log: Log
    /// Given back while the call waits on the channel (WorkGate.swift).
    let gate: WorkGate?
    private lazy var client = HTTPClient(configuration: runtime.client, share: runtime.clientShare.get())

    init(runtime: ChannelRuntime, gate: WorkGate?, log: Log) {
        self.runtime = runtime
        self.gate = gate
        self.log = log
    }

    private func away<T>(_ body: () -> T) -> T {
        guard let gate else { return body() }
        return gate.away(body)
    }

    enum Outcome<Answer> {
        case answered(Answer)
        /// Breaker open, timeout, unreachable, 5xx or an answer we could not verify.
        case unavailable(reason: String)
        /// The channel has no such operation for this payment now (UnionPay cannot close an
        /// unpaid order before it expires): nothing was sent.
        case unsupported(reason: String)
    }

    func call<Answer>(
        _ channel: Channel, requestId: String,
        build: (any ChannelConnector, Timestamp) throws(ChannelError) -> OutboundRequest,
        parse: (any ChannelConnector, ChannelResponse) -> Answer,
        isDefinite: (Answer) -> Bool
    ) -> Outcome<Answer> {
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
