import Foundation
import HTTPClient
import MariaDB
import PaygateCore
import Services
import Storage

/// Reconciliation as `paygate-worker` and `paygate-admin recon run` run it: the stores, the
/// channels and their statements wired from the configuration, and `ReconcileDay` over them.
/// Used by one thread at a time (the worker hands it to its reconciliation thread and keeps no
/// reference): its HTTP clients and connections are that thread's.
public final class Reconciler: @unchecked Sendable {
    public let store: ReconStore
    let reconcile: ReconcileDay
    let channels: [Channel]
    let configuration: ReconciliationConfiguration
    let log: Log

    /// Throws when the configuration has no channels (nothing to reconcile against).
    public init(configuration: Configuration, log: Log) throws {
        guard let runtime = try ChannelRuntime.load(configuration, log: log) else {
            throw ConfigurationError("reconciliation needs the channels section")
        }
        Connection.initializeLibraryOnce()
        HTTPClient.initializeOnce()
        let shards = try ShardConnections(configuration: configuration.database)
        store = ReconStore(shards: shards)
        let context = ServiceContext(
            payments: PaymentStore(shards: shards, channelFees: configuration.channelFees), refunds: RefundStore(shards: shards),
            channels: LiveChannels(runtime: runtime, gate: nil, log: log), clock: SystemClock(), schedule: configuration.queries.schedule,
            log: log)
        reconcile = ReconcileDay(
            context: context, store: store, source: LiveStatements(runtime: runtime, log: log), configuration: configuration.reconciliation)
        channels = Channel.allCases.filter { runtime.connectors[$0] != nil }
        self.configuration = configuration.reconciliation
        self.log = log
    }

    /// `file`: a statement at hand instead of the channel's download.
    public func run(_ channel: Channel, day: StatementDay, file: String? = nil, requestId: String) throws(ReconError) -> ReconRunSummary {
        try reconcile.run(channel, day: day, file: file, requestId: requestId)
    }

    /// A run still `running` after this long died with its process: it is owed again.
    public static let staleRunSeconds: Int64 = 3_600

    /// The days the worker owes: yesterday (China time) of every channel, once the statements are
    /// out (`after_hour`), unless done already or being run by someone else right now.
    func due(now: Timestamp) throws -> [(Channel, StatementDay)] {
        let today = StatementDay(containing: now)
        let hour = (now.secondsSinceEpoch - today.start.secondsSinceEpoch) / 3600
        guard hour >= Int64(configuration.afterHour) else { return [] }
        let yesterday = today.previous
        let runs = try store.runs(day: yesterday, channel: nil)
        return channels.compactMap { channel in
            guard let run = runs.first(where: { $0.channel == channel }) else { return (channel, yesterday) }
            switch run.status {
            case .done: return nil
            case .failed: return (channel, yesterday)
            case .running:
                let stale = run.startedAt.map { $0.adding(seconds: Self.staleRunSeconds) < now } ?? true
                return stale ? (channel, yesterday) : nil
            }
        }
    }
}

/// The worker's reconciliation thread: every `interval_seconds`, the days owed, one after the
/// other. A failed run (a channel down, a bad file) is tried again sooner: after
/// `retryFirstMilliseconds`, doubling up to the interval, so a channel that was down for a moment
/// (or not up yet when the worker started) costs minutes, not a day.
public final class ReconciliationThread: @unchecked Sendable {
    public static let retryFirstMilliseconds: Int64 = 5_000
    private let finished = NSCondition()
    private var done = false

    /// Nil when the configuration does not ask for reconciliation (no directory or no channels).
    public static func start(configuration: Configuration, stop: WorkerStop, log: Log) throws -> ReconciliationThread? {
        guard configuration.reconciliation.directory != nil, configuration.channels != nil else { return nil }
        let reconciler = try Reconciler(configuration: configuration, log: log)
        let interval = Int64(configuration.reconciliation.intervalSeconds) * 1000
        let thread = ReconciliationThread()
        let worker = Thread { [thread] in
            defer { thread.finish() }
            var runs = 0
            var retry = Self.retryFirstMilliseconds
            while !stop.isRaised {
                var failed = false
                do {
                    for (channel, day) in try reconciler.due(now: .now()) where !stop.isRaised {
                        runs += 1
                        // The run logs its own failure and records it on its row.
                        if (try? reconciler.run(channel, day: day, requestId: "worker-\(getpid())-recon-\(runs)")) == nil { failed = true }
                    }
                } catch {
                    log.warning("reconciliation: cannot read the runs (tried again later): \(error)")
                    failed = true
                }
                stop.wait(milliseconds: failed ? retry : interval)
                retry = failed ? min(retry * 2, interval) : Self.retryFirstMilliseconds
            }
        }
        worker.name = "reconciliation"
        worker.start()
        log.info(
            "reconciliation: after \(configuration.reconciliation.afterHour):00 China time, every \(configuration.reconciliation.intervalSeconds)s"
        )
        return thread
    }

    private func finish() {
        finished.lock()
        done = true
        finished.broadcast()
        finished.unlock()
    }

    /// Waits for the run in hand to end (after the stop was raised).
    public func join() {
        finished.lock()
        while !done { finished.wait() }
        finished.unlock()
    }
}
