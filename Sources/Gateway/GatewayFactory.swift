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
    public let secretBox: SecretBox
    public let log: Log
    /// nil when the configuration has no `channels` section: payments then stay `created`.
    public let channels: ChannelRuntime?
    public let shards: ShardConnections
    let merchants: MerchantCache
    let authFailures: AuthFailureLimiter
    let gate: WorkGate
    let securityEvents: SecurityEvents

    public init(configuration: Configuration, log: Log) throws {
        self.configuration = configuration
        self.secretBox = try SecretBox(key: SecretBox.loadKey(path: configuration.masterKeyFile))
        self.log = log
        // Keys are read here, in the master, so a bad key refuses to start (or, on SIGHUP,
        // refuses the reload) instead of failing in every worker.
        self.channels = try ChannelRuntime.load(configuration, log: log)
        shards = try ShardConnections(configuration: configuration.database)
        gate = WorkGate(permits: configuration.pool.workingThreadsMax)
        securityEvents = SecurityEvents(
            store: AuditLogStore(connections: shards), intervalSeconds: configuration.audit.securityFlushSeconds, log: log)
        merchants = MerchantCache(
            directory: MerchantDirectory(connections: shards, box: secretBox), ttlSeconds: configuration.merchantCacheSeconds)
        authFailures = AuthFailureLimiter(configuration.authFailures)
    }

    public func workerDidStart() {
        Connection.initializeLibraryOnce()
        HTTPClient.initializeOnce()
    }

    public func makeHandler() -> any RequestHandler {
        GatewayHandler(
            configuration: configuration, shards: shards, merchants: merchants, authFailures: authFailures, gate: gate, channels: channels,
            securityEvents: securityEvents, log: log)
    }
}
