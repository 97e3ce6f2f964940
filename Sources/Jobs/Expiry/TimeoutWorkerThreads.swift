import Foundation
import PaygateCore

/// `limits.threads` timeout workers in one process, each on its own thread with its own claims,
/// channel clients and shard connections. Claims are disjoint (SELECT ... FOR UPDATE SKIP LOCKED),
/// exactly as between workers on several hosts, so nothing is handled twice; what threads buy is
/// that a payment whose channel call waits out its timeout (5 s) no longer holds up every other
/// due payment of the process behind it.
public enum TimeoutWorkerThreads {
    /// Builds every worker first (a configuration that does not load fails here, before any
    /// thread starts), then runs them.
    public static func start(configuration: Configuration, limits: WorkerLimits, stop: WorkerStop, log: Log) throws -> ThreadGroup {
        let rates = QueryRates(ratePerSecond: configuration.queries.channelRatePerSecond)
        let workers = try (0..<limits.threads).map { index in
            try TimeoutWorker(configuration: configuration, limits: limits, log: log, threadIndex: index, queryRates: rates)
        }
        let threads = ThreadGroup()
        for (index, worker) in workers.enumerated() {
            let handOver = HandOver(worker)
            threads.start(name: "timeouts-\(index)") { handOver.worker.run(until: stop) }
        }
        return threads
    }

    /// A worker built here and used from then on by its one thread only.
    private final class HandOver: @unchecked Sendable {
        let worker: TimeoutWorker
        init(_ worker: TimeoutWorker) { self.worker = worker }
    }
}
