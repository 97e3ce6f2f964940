import HTTPClient
import MariaDB
import PaygateCore
import PaygateCrypto
import Services
import Storage

/// Builds one `GatewayHandler` per pool thread. Holds what the threads of one worker process
/// share: the database connection pools and the merchant cache. They are made here, in the master,
/// empty: each forked worker gets its own copy and opens its own connections on first use.
public struct GatewayFactory: RequestHandlerFactory {
    public let configuration: Configuration
    /// The master keys (merchant secrets, payer data, stored answers); re-read as they rotate.
    public let keys: KeyRing
    public let log: Log
    /// nil when the configuration has no `channels` section: payments then stay `created`.
    public let channels: ChannelRuntime?
    public let shards: ShardConnections
    let merchants: MerchantCache
    let authFailures: AuthFailureLimiter
    let gate: WorkGate
    let securityEvents: SecurityEvents
    /// nil with risk off. Loaded here, in the master: a broken rules file or model refuses the
    /// start, or the reload, and the running policy stays.
    let risk: RiskEngine?

    public init(configuration: Configuration, log: Log) throws {
        self.configuration = configuration
        self.keys = try KeyRing(configuration: configuration)
        self.log = log
        // Keys are read here, in the master, so a bad key refuses to start (or, on SIGHUP,
        // refuses the reload) instead of failing in every worker.
        self.channels = try ChannelRuntime.load(configuration, log: log)
        shards = try ShardConnections(configuration: configuration.database)
        gate = WorkGate(permits: configuration.pool.workingThreadsMax)
        securityEvents = SecurityEvents(
            store: AuditLogStore(connections: shards), intervalSeconds: configuration.audit.securityFlushSeconds, log: log)
        merchants = MerchantCache(
            directory: MerchantDirectory(connections: shards, keys: keys), ttlSeconds: configuration.merchantCacheSeconds)
        authFailures = AuthFailureLimiter(configuration.authFailures)
        risk = try Self.loadRisk(configuration, shards: shards, log: log)
    }

    static func loadRisk(_ configuration: Configuration, shards: ShardConnections, log: Log) throws -> RiskEngine? {
        guard configuration.risk.enabled else { return nil }
        let policy = try RiskPolicyFiles.load(configuration.risk)
        log.info("risk: \(policy.rules.rules.count) rules, model \(policy.model.version), \(policy.counterKeys.count) counters per create")
        return RiskEngine(
            policy: policy, signals: try RedisRiskSignals.load(configuration: configuration.risk.redis),
            lists: RiskListCache(
                store: RiskListStore(connections: shards), refreshSeconds: configuration.risk.listsRefreshSeconds, log: log),
            log: log)
    }

    public func workerDidStart() {
        Connection.initializeLibraryOnce()
        HTTPClient.initializeOnce()
    }

    public func makeHandler() -> any RequestHandler {
        GatewayHandler(
            configuration: configuration, shards: shards, merchants: merchants, authFailures: authFailures, keys: keys, gate: gate,
            channels: channels, securityEvents: securityEvents, risk: risk, log: log)
    }
}
