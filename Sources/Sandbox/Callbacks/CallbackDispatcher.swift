import Foundation
import HTTPClient
import PaygateCore
import Synchronization

/// Sends the queued callbacks the way the channels do: each is posted, and until the merchant
/// acknowledges it (Alipay body `success`, WeChat Pay 200/204, UnionPay 200) it is posted again
/// after each step of that channel's retry schedule, then given up. `senderCount` background
/// threads per sandbox process share the queue, each with its own `HTTPClient` (a client belongs
/// to one thread).
public final class CallbackDispatcher: Sendable {
    /// How often an idle dispatcher looks for due callbacks: the floor of any retry delay.
    public static let pollMilliseconds = 20
    /// Callbacks one thread takes in one pass before the queue is looked at again: small, so the
    /// threads share a burst and one slow receiver cannot hide newly due callbacks for long.
    public static let passCallbackCountMax = 8
    /// Sending threads unless the config file says otherwise (`callback_senders`). A real channel
    /// sends many callbacks at once; one thread signing and posting them in turn made the sandbox,
    /// not paygate, the limit of the pay-path benchmark, and `make bench` asks for more than this
    /// so that its callback latency (e) measures paygate rather than a queue in the sandbox.
    public static let senderCountDefault = 8
    /// Each sender is a thread with its own HTTPS client and connection; past this it is a mistake.
    public static let senderCountMax = 256

    let state: SandboxState
    let renderer: CallbackRenderer
    let configuration: SandboxConfiguration
    let clientConfiguration: HTTPClientConfiguration
    let log: Log
    /// How many threads send callbacks (1...`senderCountMax`).
    public let senderCount: Int
    private let stopped = Mutex(false)

    /// `clientConfiguration` carries the CA file that signs the gateway's TLS certificate.
    public init(
        configuration: SandboxConfiguration, state: SandboxState, clientConfiguration: HTTPClientConfiguration,
        senderCount: Int = CallbackDispatcher.senderCountDefault, log: Log
    ) {
        precondition((1...Self.senderCountMax).contains(senderCount), "callback senders must be 1...\(Self.senderCountMax)")
        self.senderCount = senderCount
        self.configuration = configuration
        self.state = state
        self.renderer = CallbackRenderer(configuration: configuration)
        self.clientConfiguration = clientConfiguration
        self.log = log
    }

    /// Starts the sending threads, each with its own client. Call once per process, after fork.
    public func start() {
        for index in 0..<senderCount {
            let thread = Thread { [self] in
                let client = HTTPClient(configuration: clientConfiguration)
                while !stopped.withLock({ $0 }) {
                    if deliverDue(client: client) == 0 { SandboxHandler.sleep(milliseconds: Self.pollMilliseconds) }
                }
            }
            thread.name = "sandbox-callbacks-\(index)"
            thread.start()
        }
    }

    /// Asks the threads to end after their current pass (tests).
    public func stop() {
        stopped.withLock { $0 = true }
    }

    /// One pass: every callback due now is attempted once. Returns how many were attempted.
    @discardableResult
    public func deliverDue(client: HTTPClient) -> Int {
        let due = state.takeDueCallbacks(now: configuration.clock())
        // Over the cap, the rest go back untouched and are taken on the next pass.
        for callback in due.dropFirst(Self.passCallbackCountMax) { state.putBack(callback) }
        for callback in due.prefix(Self.passCallbackCountMax) { attempt(callback, client: client) }
        return min(due.count, Self.passCallbackCountMax)
    }

    private func attempt(_ callback: QueuedCallback, client: HTTPClient) {
        let message = callback.message
        let rendered = renderer.render(message, now: configuration.clock())
        let outcome: String
        switch client.send(OutboundRequest(method: "POST", url: rendered.url, headers: rendered.headers, body: rendered.body)) {
        case .response(let status, _, let body, _):
            if CallbackRenderer.isAcknowledged(channel: message.channel, status: status, body: body) {
                log.info(
                    "callback \(callback.id) \(message.channel.rawValue) \(message.kind.rawValue) \(message.subject) acknowledged on attempt \(callback.attempts + 1)"
                )
                return
            }
            outcome = "answered \(status)"
        case .failure(let error):
            outcome = "failed: \(error.code)"
        }
        let schedule = configuration.retryScheduleMilliseconds[message.channel] ?? []
        if state.retry(callback, schedule: schedule, now: configuration.clock()) {
            log.info(
                "callback \(callback.id) \(message.channel.rawValue) \(message.subject) attempt \(callback.attempts + 1) \(outcome); will retry"
            )
        } else {
            log.warning(
                "callback \(callback.id) \(message.channel.rawValue) \(message.subject) attempt \(callback.attempts + 1) \(outcome); schedule used up, given up"
            )
        }
    }
}
