import Channels
import Foundation
import HTTPClient
import PaygateCore
import PaygateCrypto
import Synchronization

/// What the gateway needs to call payment channels, built once per process from the
/// configuration's `channels` section: one connector per channel (keys from the key store), the
/// outbound client settings, the circuit breakers and the process's warm libcurl handles
/// (`HTTPClientShare`: kept-alive connections and TLS sessions to each channel, reused by whichever
/// thread calls next). Shared by the threads; each thread owns its own `HTTPClient`.
public struct ChannelRuntime: Sendable {
    /// Consecutive channel failures (timeouts, unreachable, 5xx) that open a channel's breaker.
    public static let breakerFailureCountThreshold = 5
    /// How long an open breaker answers 503 at once before one probe goes out.
    public static let breakerOpenSeconds: Int64 = 5

    public let connectors: [Channel: any ChannelConnector]
    public let client: HTTPClientConfiguration
    public let callbackBaseURL: String
    public let breakers: ChannelBreakers
    /// Made on first use in each worker process (after fork and libcurl's initialization).
    public let clientShare: LazyClientShare

    public static func load(_ configuration: Configuration, log: Log) throws -> ChannelRuntime? {
        guard let channels = configuration.channels else { return nil }
        // Our private keys and the APIv3 key are sealed under the master keys on disk.
        let keys = try ChannelKeyStore.load(configuration: channels, now: .now(), masterKeys: KeyRing(configuration: configuration))
        let connectors: [Channel: any ChannelConnector] = [
            .alipay: AlipayConnector(account: keys.alipay),
            .wechatpay: WeChatPayConnector(account: keys.weChatPay),
            .unionpay: UnionPayConnector(account: keys.unionPay),
        ]
        // Channels are fixed, configured endpoints (the destination policy for merchants'
        // webhooks does not apply); https only, verified against the configured CA.
        let client = HTTPClientConfiguration(
            caFile: channels.caFile, connectTimeoutMilliseconds: channels.connectTimeoutMilliseconds,
            totalTimeoutMilliseconds: channels.totalTimeoutMilliseconds)
        // A probe that never reports back frees the breaker after the longest call.
        let limits = CircuitBreaker.Limits(
            failureCountThreshold: breakerFailureCountThreshold, openSeconds: breakerOpenSeconds,
            probeTimeoutSeconds: Int64(channels.totalTimeoutMilliseconds / 1000) + 1)
        return ChannelRuntime(
            connectors: connectors, client: client, callbackBaseURL: channels.callbackBaseURL,
            breakers: ChannelBreakers(limits: limits, log: log),
            clientShare: LazyClientShare(configuration: client, idleHandleCountMax: configuration.pool.threadsPerWorker))
    }

    public func callbackURL(for channel: Channel) -> String {
        callbackBaseURL + "/" + channel.rawValue
    }
}

/// One `HTTPClientShare` per process, made by the first thread that calls a channel: a share made
/// in the master before fork would hand every worker copies of the same libcurl state.
public final class LazyClientShare: Sendable {
    private let configuration: HTTPClientConfiguration
    private let idleHandleCountMax: Int
    private let share = Mutex<HTTPClientShare?>(nil)

    init(configuration: HTTPClientConfiguration, idleHandleCountMax: Int) {
        self.configuration = configuration
        self.idleHandleCountMax = idleHandleCountMax
    }

    /// Each process's share: as many idle handles as it has threads, so a burst of channel calls
    /// leaves its connections warm for the next one.
    public func get() -> HTTPClientShare {
        share.withLock { share in
            if let share { return share }
            let made = HTTPClientShare(configuration: configuration, idleHandleCountMax: idleHandleCountMax)
            share = made
            return made
        }
    }
}

/// The breakers of one process, one per channel, behind a lock (the threads share them). Each
/// worker process has its own: /healthz shows the breakers of the worker that answers.
public final class ChannelBreakers: @unchecked Sendable {
    private let lock = NSLock()
    private var breakers: [Channel: CircuitBreaker]
    private let log: Log

    init(limits: CircuitBreaker.Limits, log: Log) {
        breakers = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, CircuitBreaker(limits: limits)) })
        self.log = log
    }

    func admit(_ channel: Channel, now: Timestamp) -> CircuitBreaker.Admission {
        lock.lock(); defer { lock.unlock() }
        return breakers[channel]!.admit(now: now)
    }

    func record(_ channel: Channel, success: Bool, now: Timestamp) {
        lock.lock()
        let before = breakers[channel]!.state.name
        breakers[channel]!.record(success: success, now: now)
        let after = breakers[channel]!.state.name
        lock.unlock()
        if before != after { log.warning("circuit breaker \(channel.rawValue): \(before) -> \(after)") }
    }

    /// channel -> "closed" | "open" | "half_open", for /healthz.
    public func states() -> [(Channel, String)] {
        lock.lock(); defer { lock.unlock() }
        return Channel.allCases.map { ($0, breakers[$0]!.state.name) }
    }
}
