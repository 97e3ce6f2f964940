/// Everything `paygate-admin init` may be told; each default is declared here with its reason.
/// scripts/stack-init.sh maps the environment knobs (PAYGATE_THREADS, ...) onto the flags.
public struct InitOptions: Sendable, Equatable {
    /// The HTTPS port nginx serves the API on; channels' callbacks reach paygate there.
    public var port: Int
    /// The HTTPS port nginx serves the channel sandbox on; paygate's channel URLs point there.
    public var sandboxPort: Int

    /// Pool worker processes (`pool.workers`).
    public var workers = 2
    /// README "Sizing": a thread waiting on a channel costs only memory, so there are enough of
    /// them for every request in flight (rate x channel latency).
    public var threadsPerWorker = 256
    /// Of those, how many do CPU work at once (the rest wait in arrival order; channel waits do
    /// not count).
    public var workingThreadsMax = 6
    /// Database connections are a small pool per process and shard, borrowed for one transaction.
    public var databaseConnectionsPerShard = 8
    public var databaseConnectionWaitMilliseconds = 2_000
    /// Seconds between active queries of an open payment; nil keeps `QueriesConfiguration`'s.
    public var queryScheduleSeconds: [Int64]?
    /// Queries per second to each channel from one worker process; nil keeps
    /// `QueriesConfiguration`'s. The end-to-end suite, whose sandbox has no such limit and whose
    /// tests leave thousands of orders due at once, asks for more.
    public var queryRatePerSecond: Int?
    /// Waits before merchant webhook retries; nil keeps the contract's (docs/API.md section 8).
    public var webhookScheduleSeconds: [Int]?

    /// How often each pool process writes the security events it counted (`audit`'s
    /// `security_flush_seconds`); nil keeps `AuditConfiguration`'s. The end-to-end suite asks for 1.
    public var auditSecurityFlushSeconds: Int?
    /// How often the worker writes a checkpoint of the audit log (`checkpoint_interval_seconds`);
    /// nil keeps `AuditConfiguration`'s. The end-to-end suite asks for 1.
    public var auditCheckpointSeconds: Int?

    /// Risk (README "Risk"): the rules file and the model, both absolute paths; with both given
    /// and `riskEnabled`, every create is evaluated against the stack's own Redis
    /// (`StackLayout.redisSocket`).
    public var riskRulesFile: String?
    public var riskModelFile: String?
    public var riskEnabled = true

    /// The connect includes the TLS handshake: under a burst of 1,024 creates on two shared
    /// cores a new connection's handshake through the local nginx took over a second (make bench
    /// (g)); 3 s is what the client defaults to for real channels too.
    public var channelConnectTimeoutMilliseconds = 3_000
    public var channelTotalTimeoutMilliseconds = 5_000
    /// One day: long enough for every callback signed before a rotation to arrive.
    public var channelKeyGraceSeconds: Int64 = 86_400

    /// One sandbox thread serves one channel call at a time, and a call slowed by the latency_ms
    /// fault knob holds its thread asleep for the whole delay (its stack and one descriptor, no
    /// CPU): 1100 lets 1,024 concurrent slow calls (make bench (g)) be held at once, with room for
    /// the payers, the control endpoints and the worker's queries.
    public var sandboxThreads = 1_100
    /// Threads posting callbacks: `CallbackDispatcher.senderCountDefault`. make bench asks for more.
    public var sandboxCallbackSenders = 8
    /// Callback retries after seconds instead of the channels' real minutes and hours (the
    /// end-to-end suite): `fastRetrySchedule` for every channel.
    public var sandboxFastRetries = false

    /// The same number of attempts as a short real schedule, over about 11 s, so a test can watch
    /// a retry without waiting hours.
    public static let fastRetrySchedule = ["1s", "1s", "2s", "2s", "5s"]

    public init(port: Int, sandboxPort: Int) {
        self.port = port
        self.sandboxPort = sandboxPort
    }
}
