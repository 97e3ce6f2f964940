import Foundation
import PaygateCore
import Redis
import Synchronization

/// The risk counters in Redis (`RiskSignals`; the layout and its error bound: `RiskCounterLayout`).
/// One call is one round trip (EVALSHA of `RiskCounterScript`; the script is loaded once per
/// server, again after a restart). Shared by the threads of one process: hiredis contexts are
/// not thread-safe, so each call borrows one from a small locked list of idle connections, or
/// opens one if none is idle (a call never waits for another call's connection).
///
/// Bounds: connecting and the command each wait at most `timeoutMilliseconds` (on the local unix
/// socket a connect either succeeds or is refused at once, so a call waits about one timeout at
/// worst). Any failure (no server, its socket gone, a timeout, an error reply) throws
/// `RiskSignalsUnavailable`, and `RiskBreaker` then refuses every call at once for
/// `retryAfterMilliseconds` before one call tries again: a dead Redis costs one timeout per process
/// per interval. A connection that failed closes itself and reconnects at its next use.
///
/// Connections are opened lazily, in the process that uses them (the pool forks its workers after
/// start-up; a connection inherited through fork is dropped, never shared: `RedisConnection`).
public final class RedisRiskSignals: RiskSignals {
    /// Idle connections kept per process; more are opened when more threads call at once, and the
    /// extra ones are closed when given back.
    public static let idleConnectionsMax = 16

    public let endpoint: RedisEndpoint
    let password: String?
    public let timeoutMilliseconds: Int
    private let script = RedisScript(source: RiskCounterScript.source)
    private let idle = Mutex<[RedisConnectionBox]>([])
    private let breaker: Mutex<RiskBreaker>
    /// The plan of the counters last read: the same set on every create until a reload.
    private let plan = Mutex<RiskCounterPlan?>(nil)
    private let monotonicNanoseconds: @Sendable () -> UInt64

    /// `configuration` must name a server (`RiskRedisConfiguration.validate`); `password` is
    /// what its `password_file` holds (`load` reads it).
    public init(
        configuration: RiskRedisConfiguration, password: String? = nil,
        monotonicNanoseconds: @escaping @Sendable () -> UInt64 = { Timestamp.monotonicNanoseconds() }
    ) {
        switch configuration.endpoint {
        case .unixSocket(let path): endpoint = .unixSocket(path)
        case .tcp(let host, let port): endpoint = .tcp(host: host, port: port)
        case nil: preconditionFailure("risk.redis names no server")
        }
        self.password = password
        timeoutMilliseconds = configuration.timeoutMilliseconds
        breaker = Mutex(RiskBreaker(retryAfterMilliseconds: configuration.retryAfterMilliseconds))
        self.monotonicNanoseconds = monotonicNanoseconds
    }

    /// As the pool makes it: the password read from `password_file` (mode 0600) when one is named.
    public static func load(configuration: RiskRedisConfiguration) throws -> RedisRiskSignals {
        guard let path = configuration.passwordFile else { return RedisRiskSignals(configuration: configuration) }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else {
            throw ConfigurationError("risk.redis.password_file \(path) cannot be read or is empty")
        }
        return RedisRiskSignals(configuration: configuration, password: text)
    }

    public func observe(_ attempt: RiskAttempt, reading: Set<RiskCounterKey>) throws(RiskSignalsUnavailable) -> RiskObservation {
        let call = RiskCounterCall.observe(attempt, plan: plan(for: reading))
        return try run(call) { reply throws(RedisError) in try call.observation(from: reply) }
    }

    public func rememberDevice(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable) {
        guard let call = RiskCounterCall.device(subjects) else { return }
        try run(call) { reply throws(RedisError) in
            guard reply.integer == 0 else { throw RedisError(.protocolViolation, "risk script answered \(reply) to a device") }
        }
    }

    public func recordDecline(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable) {
        let call = RiskCounterCall.decline(subjects, at: time, member: String(UInt64.random(in: 0...UInt64.max), radix: 16))
        try run(call) { reply throws(RedisError) in
            guard reply.integer == 0 else { throw RedisError(.protocolViolation, "risk script answered \(reply) to a decline") }
        }
    }

    /// Compared outside the lock (a set of a dozen keys), made again only when the set changed.
    private func plan(for reading: Set<RiskCounterKey>) -> RiskCounterPlan {
        if let current = plan.withLock({ $0 }), current.reading == reading { return current }
        let made = RiskCounterPlan(reading: reading)
        plan.withLock { $0 = made }
        return made
    }

    /// Breaker, borrowed connection, one EVALSHA, the answer read; any failure rests the breaker.
    private func run<Result>(
        _ call: RiskCounterCall, reading: (RedisReply) throws(RedisError) -> Result
    ) throws(RiskSignalsUnavailable) -> Result {
        guard breaker.withLock({ $0.admit(nowNanoseconds: monotonicNanoseconds()) }) else {
            throw RiskSignalsUnavailable("Redis at \(endpoint) failed recently; resting before the next try")
        }
        let box =
            idle.withLock { $0.popLast() }
            ?? RedisConnectionBox(RedisConnection(endpoint: endpoint, password: password, timeoutMilliseconds: timeoutMilliseconds))
        defer { giveBack(box) }
        do {
            let reply = try box.connection.evaluate(script, arguments: call.arguments)
            let result = try reading(reply)
            breaker.withLock { $0.succeeded() }
            return result
        } catch {
            // Whatever failed, the next use starts on a fresh connection (a reply that did not
            // parse may have left bytes behind); closing is cheap and failures are rare.
            box.connection.close()
            breaker.withLock { $0.failed(nowNanoseconds: monotonicNanoseconds()) }
            throw RiskSignalsUnavailable(error.description)
        }
    }

    private func giveBack(_ box: RedisConnectionBox) {
        let extra = idle.withLock { list -> RedisConnectionBox? in
            guard list.count < Self.idleConnectionsMax else { return box }
            list.append(box)
            return nil
        }
        extra?.connection.close()
    }
}

/// A connection moving between threads through `RedisRiskSignals.idle`.
private final class RedisConnectionBox: @unchecked Sendable {
    // @unchecked: the connection is used by the one thread that took the box out of the idle
    // list (under its mutex) and is not touched again until it is put back (under it again).
    let connection: RedisConnection
    init(_ connection: RedisConnection) { self.connection = connection }
}
