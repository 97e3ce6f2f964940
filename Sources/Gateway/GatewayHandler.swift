import HTTPClient
import PaygateCore
import PaygateCrypto
import Services
import Storage

/// Serves requests on one pool thread: routes them, authenticates merchants, runs the flow each
/// route names (`Services`) and renders its answer. HTTP only: no flow decides or writes here.
/// The database connections and the merchant cache belong to the process (shared by its threads,
/// see `GatewayFactory`); the channel client inside `services` is this thread's.
public final class GatewayHandler: RequestHandler {
    let configuration: Configuration
    let log: Log
    let shards: ShardConnections
    let services: Services
    /// Stored answers under Idempotency-Key (docs/API.md section 7), an HTTP concern.
    let idempotency: IdempotencyStore
    /// Records the nonce of a request answered from a stored Idempotency-Key answer.
    let nonces: PaymentStore
    let merchants: MerchantCache
    /// Failed authentications per client address, shared by the process's threads.
    let authFailures: AuthFailureLimiter
    let housekeeping: Housekeeping
    /// The process's permits for CPU work (WorkGate.swift).
    let gate: WorkGate
    /// nil without a `channels` configuration (for /healthz's breaker states).
    let channels: ChannelRuntime?
    /// The process's counter of security events for the audit log (SecurityEvents.swift).
    let securityEvents: SecurityEvents
    /// nil with risk off (for /healthz's count of creates decided without the counters).
    let risk: RiskEngine?
    /// Every this many requests a thread purges one shard's expired nonces and idempotency
    /// records, round robin: the work is spread over all threads and processes, needs no extra
    /// process, and stops when the pool stops.
    static let housekeepingEveryRequests = 2_000
    private var requestsServed = 0
    private var nextHousekeepingShard = 0

    init(
        configuration: Configuration, shards: ShardConnections, merchants: MerchantCache, authFailures: AuthFailureLimiter, keys: KeyRing,
        gate: WorkGate, channels: ChannelRuntime?, securityEvents: SecurityEvents, risk: RiskEngine?, log: Log
    ) {
        self.configuration = configuration
        self.securityEvents = securityEvents
        self.risk = risk
        self.log = log
        self.gate = gate
        self.channels = channels
        self.shards = shards
        let payments = PaymentStore(shards: shards, channelFees: configuration.channelFees, keys: keys)
        nonces = payments
        services = Services(
            ServiceContext(
                payments: payments, refunds: RefundStore(shards: shards),
                channels: channels.map { LiveChannels(runtime: $0, gate: gate, log: log) }, clock: SystemClock(),
                schedule: configuration.queries.schedule, log: log, securityEvents: securityEvents, risk: risk))
        idempotency = IdempotencyStore(
            shards: shards, ttlSeconds: configuration.idempotencyTTLSeconds, leaseSeconds: configuration.idempotencyLeaseSeconds, keys: keys
        )
        self.merchants = merchants
        self.authFailures = authFailures
        housekeeping = Housekeeping(shards: shards, authWindowSeconds: configuration.authWindowSeconds)
        // Threads start at different points of the cycle so they do not all purge at once, and at
        // different shards: with every thread starting at the first shard, the first purge of each
        // of a pool's hundreds of threads (about a million requests after each start or reload)
        // would all go to that shard while the others were never purged.
        requestsServed = Int.random(in: 0..<GatewayHandler.housekeepingEveryRequests)
        nextHousekeepingShard = Int.random(in: 0..<shards.shardCount)
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = Timestamp.monotonicNanoseconds()
        var response: HTTPResponse
        if gate.enter() {
            response = answer(request)
            gate.leave()
        } else {
            log.warning(
                "\(request.method) \(request.path): no working thread free after \(WorkGate.enterWaitMillisecondsMax) ms",
                requestId: request.requestId)
            response = .error(
                APIError(.serviceUnavailable, "Too many requests at once; nothing was written: retry."), requestId: request.requestId)
        }
        // docs/API.md section 3: no answer (a payment, a refund, an error, the health) may be kept
        // by a cache between the client and us, whatever proxy sits in front of nginx.
        response.headers.append(("Cache-Control", "no-store"))
        // One line per request with nginx's request id, so a request can be followed from the
        // access log into ours. Only method, path, status and time: never headers or bodies.
        let micros = (Timestamp.monotonicNanoseconds() - started) / 1000
        log.info("\(request.method) \(request.path) \(response.status) \(micros)us", requestId: request.requestId)
        return response
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        do {
            return try route(request)
        } catch let error as APIError {
            securityEvents.noteRefusal(error.code, request: request)
            var response = HTTPResponse.error(error, requestId: request.requestId)
            // RFC 9110 section 15.5.6: a 405 lists the methods the resource does allow.
            if error.code == .methodNotAllowed {
                response.headers.append(("Allow", Route(path: request.path).allowedMethods.joined(separator: ", ")))
            }
            return response
        } catch let error as StorageError {
            return storageFailure(error, request: request)
        } catch is NonceReused {
            securityEvents.noteRefusal(.nonceReused, request: request)
            return .error(APIError(.nonceReused, "This request was already accepted (nonce reused)."), requestId: request.requestId)
        } catch {
            log.error("unexpected error: \(error)", requestId: request.requestId)
            return .error(APIError(.internalError, "Internal error."), requestId: request.requestId)
        }
    }

    public func afterResponse() {
        requestsServed += 1
        guard requestsServed % GatewayHandler.housekeepingEveryRequests == 0 else { return }
        let shard = nextHousekeepingShard
        nextHousekeepingShard = (nextHousekeepingShard + 1) % shards.shardCount
        do { try housekeeping.purge(shard: shard) } catch { log.warning("housekeeping on \(shards.shardNames[shard]): \(error)") }
    }

    func storageFailure(_ error: StorageError, request: HTTPRequest) -> HTTPResponse {
        switch error {
        case .unavailable(let shard, _):
            log.warning("\(request.method) \(request.path): \(error)", requestId: request.requestId)
            return .error(
                APIError(.serviceUnavailable, "Storage for this request (\(shard)) is unavailable; retry later."),
                requestId: request.requestId)
        case .busy(let shard, _):
            log.warning("\(request.method) \(request.path): \(error)", requestId: request.requestId)
            return .error(
                APIError(.serviceUnavailable, "Storage for this request (\(shard)) is busy; retry."), requestId: request.requestId)
        case .exhausted(let shard, _):
            log.warning("\(request.method) \(request.path): \(error)", requestId: request.requestId)
            return .error(
                APIError(.serviceUnavailable, "Too many requests for storage (\(shard)) at once; nothing was written: retry."),
                requestId: request.requestId)
        case .database, .corrupt:
            log.error("\(request.method) \(request.path): \(error)", requestId: request.requestId)
            return .error(APIError(.internalError, "Internal error."), requestId: request.requestId)
        }
    }

    private func route(_ request: HTTPRequest) throws -> HTTPResponse {
        let path = request.path
        switch Route(path: path) {
        case .healthLive:
            guard request.method == "GET" || request.method == "HEAD" else {
                throw APIError(.methodNotAllowed, "Use GET on /healthz/live.")
            }
            return .json(status: 200, body: Array(#"{"status":"ok"}"#.utf8))
        case .health:
            guard request.method == "GET" || request.method == "HEAD" else { throw APIError(.methodNotAllowed, "Use GET on /healthz.") }
            return health(detailed: IPAddress(request.remoteAddress)?.isLoopback == true)
        case .payments:
            switch request.method {
            case "POST": return try createPayment(request)
            case "GET": return try listPayments(request)
            default: throw APIError(.methodNotAllowed, "Use GET or POST on /v1/payments.")
            }
        case .payment(let id):
            guard request.method == "GET" else { throw APIError(.methodNotAllowed, "Use GET on /v1/payments/{payment_id}.") }
            return try getPayment(request, id: id)
        case .closePayment(let id):
            guard request.method == "POST" else { throw APIError(.methodNotAllowed, "Use POST to close a payment.") }
            return try closePayment(request, id: id)
        case .refunds:
            guard request.method == "POST" else { throw APIError(.methodNotAllowed, "Use POST on /v1/refunds.") }
            return try createRefund(request)
        case .refund(let id):
            guard request.method == "GET" else { throw APIError(.methodNotAllowed, "Use GET on /v1/refunds/{refund_id}.") }
            return try getRefund(request, id: id)
        case .callback(let channel):
            guard request.method == "POST" else { throw APIError(.methodNotAllowed, "Channels POST their callbacks.") }
            return try callback(request, channel: channel)
        case .notFound:
            throw APIError(.notFound, "No such resource.")
        }
    }

    /// docs/API.md section 10. The names of the failing shards and the breakers' states are for
    /// the host's own operators (a loopback client, as nginx reports it in `REMOTE_ADDR`); anyone
    /// else, unauthenticated, learns only the status.
    private func health(detailed: Bool) -> HTTPResponse {
        var failing = shards.unreachableShards()
        if !shards.directoryAnswers() { failing.append("directory") }
        var writer = JSONWriter()
        writer.objectOpen()
        writer.member("status", failing.isEmpty ? "ok" : "unavailable")
        guard detailed else {
            writer.objectClose()
            return .json(status: failing.isEmpty ? 200 : 503, body: writer.bytes)
        }
        if !failing.isEmpty {
            writer.key("failing")
            writer.arrayOpen()
            for name in failing { writer.value(name) }
            writer.arrayClose()
        }
        // The channels' circuit breakers (of this worker process); an open breaker does not make
        // paygate unhealthy: payments on other channels and every lookup still work.
        if let channels {
            writer.key("channels")
            writer.objectOpen()
            for (channel, state) in channels.breakers.states() { writer.member(channel.rawValue, state) }
            writer.objectClose()
        }
        // Creates this worker process decided in risk's degraded mode (Redis unreachable).
        if let risk {
            writer.key("risk")
            writer.objectOpen()
            writer.member("degraded_creates", risk.degradedCount.load(ordering: .relaxed))
            writer.objectClose()
        }
        writer.objectClose()
        return .json(status: failing.isEmpty ? 200 : 503, body: writer.bytes)
    }
}

/// The routes of docs/API.md served by the pool.
enum Route: Equatable {
    case health, healthLive, payments
    case payment(String)
    case closePayment(String)
    case refunds
    case refund(String)
    case callback(Channel)
    case notFound

    /// The methods `route` serves on this route: the `Allow` header of its 405 answers.
    /// nginx/allowed-methods.conf repeats this table for the 405s nginx gives itself.
    var allowedMethods: [String] {
        switch self {
        case .health, .healthLive: ["GET", "HEAD"]
        case .payments: ["GET", "POST"]
        case .payment, .refund: ["GET"]
        case .closePayment, .refunds, .callback: ["POST"]
        case .notFound: []
        }
    }

    init(path: Substring) {
        if path == "/healthz" { self = .health; return }
        if path == "/healthz/live" { self = .healthLive; return }
        if path.hasPrefix("/callbacks/") {
            let name = path.dropFirst("/callbacks/".count)
            self = Channel(rawValue: String(name)).map(Route.callback) ?? .notFound
            return
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", "v1", "refunds", id
        if parts.count >= 3, parts[0].isEmpty, parts[1] == "v1", parts[2] == "refunds" {
            switch parts.count {
            case 3: self = .refunds
            case 4 where !parts[3].isEmpty: self = .refund(String(parts[3]))
            default: self = .notFound
            }
            return
        }
        // "", "v1", "payments", id, "close"
        guard parts.count >= 3, parts[0].isEmpty, parts[1] == "v1", parts[2] == "payments" else { self = .notFound; return }
        switch parts.count {
        case 3: self = .payments
        case 4 where !parts[3].isEmpty: self = .payment(String(parts[3]))
        case 5 where !parts[3].isEmpty && parts[4] == "close": self = .closePayment(String(parts[3]))
        default: self = .notFound
        }
    }
}
