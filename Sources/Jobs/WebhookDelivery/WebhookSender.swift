import HTTPClient
import PaygateCore
import PaygateCrypto

/// Sends one webhook exactly as docs/API.md section 8 says and reports what happened as a
/// `WebhookAttempt`. Owns one `HTTPClient` (one libcurl handle), so it belongs to one thread.
/// Logs nothing itself: the body and the signature never leave this type except on the wire.
final class WebhookSender {
    /// A receiver's answer is read only for its status; a larger body is cut off as a failure.
    static let responseBodyBytesMax = 64 << 10

    let mode: Configuration.Mode
    private let client: HTTPClient

    init(configuration: Configuration) {
        mode = configuration.mode
        let webhooks = configuration.webhooks
        // Production: https only (libcurl refuses other schemes too) and only public addresses,
        // checked on the address actually connected to. Local mode: http allowed, loopback only
        // (docs/API.md section 8), checked the same way.
        let production = configuration.mode == .production
        client = HTTPClient(
            configuration: HTTPClientConfiguration(
                caFile: nil,
                connectTimeoutMilliseconds: webhooks.connectTimeoutSeconds * 1000,
                totalTimeoutMilliseconds: webhooks.timeoutSeconds * 1000,
                responseBodyBytesMax: WebhookSender.responseBodyBytesMax,
                destinationPolicy: production ? .publicOnly : .loopbackOnly,
                allowsPlainHTTP: !production))
    }

    /// One attempt of `event` to `notifyURL`, signed with each of the merchant's webhook secrets
    /// (two while a rotation's overlap lasts, new first).
    func send(_ event: WebhookEvent, to notifyURL: String, secrets: [Secret]) -> WebhookAttempt {
        let number = event.nextAttemptNumber
        let attemptedAt = Timestamp.now()
        if let refusal = WebhookDestination.refusal(for: notifyURL, mode: mode) {
            return WebhookAttempt(
                number: number, attemptedAt: attemptedAt, httpStatus: nil, latencyMilliseconds: 0,
                error: refusal.description, isPermanentFailure: true)
        }
        let body = event.body
        let timestamp = attemptedAt.secondsSinceEpoch
        let payload = WebhookSignature.signedPayload(timestamp: timestamp, body: body)
        let macs = secrets.map { secret in Hex.encode(HMACSHA256.authenticate(key: secret, message: payload)) }
        let request = OutboundRequest(
            method: "POST", url: notifyURL,
            headers: [
                ("Content-Type", "application/json"),
                ("Paygate-Event-Id", event.id),
                (WebhookSignature.headerName, WebhookSignature.headerValue(timestamp: timestamp, macHexes: macs)),
                ("User-Agent", "paygate-webhooks/1"),
            ], body: body)
        let started = Timestamp.monotonicNanoseconds()
        let result = client.send(request)
        let latency = Int((Timestamp.monotonicNanoseconds() - started) / 1_000_000)
        switch result {
        case .response(let status, _, _, _):
            let error = (200...299).contains(status) ? nil : "answered HTTP \(status)"
            return WebhookAttempt(number: number, attemptedAt: attemptedAt, httpStatus: status, latencyMilliseconds: latency, error: error)
        case .failure(let failure):
            return WebhookAttempt(
                number: number, attemptedAt: attemptedAt, httpStatus: nil, latencyMilliseconds: latency,
                error: WebhookSender.describe(failure))
        }
    }

    /// The failure for admins: its kind and libcurl's sentence (hosts and reasons, no content).
    static func describe(_ failure: OutboundError) -> String {
        let kind: String
        switch failure.code {
        case .connectTimeout: kind = "connect timeout"
        case .timeout: kind = "timeout"
        case .connectionFailed: kind = "connection failed"
        case .tlsFailure: kind = "TLS failure"
        case .destinationRefused: kind = "destination refused"
        case .responseTooLarge: kind = "response too large"
        case .invalidRequest: kind = "invalid request"
        case .other(let code): kind = "curl error \(code)"
        }
        return kind + ": " + failure.message
    }
}
