// paygate-worker: the timeout worker, the merchant webhook dispatcher and the daily
// reconciliation (README "Reconciliation": each channel's statement of the day before, after
// `reconciliation.after_hour` China time). The timeout worker
// queries the channel for `processing` payments whose callback has not come, on the query schedule
// of the configuration (`queries`: 30 s, 1, 2, 5 and 10 min after the create by default, at most
// `channel_rate_per_second` queries per second to each channel), and closes payments past
// expires_at (at the channel first). It reads only payments that are due (`check_after`, written
// with every change that leaves a payment open). The dispatcher's `webhooks.threads` threads
// (configuration file, `webhooks` section) deliver the outbox's events to merchants (docs/API.md
// section 8). Several workers may run against the same shards, on any host: each payment and each
// event is claimed by one of them (SELECT ... FOR UPDATE SKIP LOCKED, sql/shard/0004 and 0005).
// It also writes a signed checkpoint of the audit log's head every
// `audit.checkpoint_interval_seconds` (README "Audit log").
//
//   paygate-worker --config FILE [--batch-size N] [--lease-seconds N]
//                  [--query-delay-seconds N] [--poll-interval-ms N] [--threads N]
//
// Defaults (WorkerLimits): batch 32 payments per shard and claim, lease 120 s (at least twice the
// longest payment: two channel calls plus three lock waits), refund query delay 60 s (a refund
// the channel has not settled is asked about again after it), poll 1000 ms after a round that
// found nothing, 4 timeout-worker threads (each with its own claims, one query rate per channel).
// It runs in the foreground, logs to stderr, and on SIGTERM or SIGINT finishes the
// payment and the webhooks in hand (at most one webhook timeout), gives back the rest of its
// claims and exits 0. Exit 2: bad arguments or configuration.
import Foundation
import Jobs
import PaygateCore

let usage =
    "usage: paygate-worker --config FILE [--batch-size N] [--lease-seconds N] [--query-delay-seconds N] [--poll-interval-ms N] [--threads N]"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("paygate-worker: " + message + "\n").utf8))
    exit(2)
}

func parse(_ arguments: [String]) -> (config: String, limits: WorkerLimits) {
    var configPath: String?
    var limits = WorkerLimits()
    var rest = arguments[...]
    func number(_ flag: String) -> Int64 {
        guard let text = rest.popFirst(), let value = Int64(text), value >= 0 else { fail("\(flag) needs a whole number\n\(usage)") }
        return value
    }
    while let flag = rest.popFirst() {
        switch flag {
        case "--config":
            guard let path = rest.popFirst() else { fail(usage) }
            configPath = path
        case "--batch-size": limits.batchSizeMax = Int(number(flag))
        case "--lease-seconds": limits.leaseSeconds = number(flag)
        case "--query-delay-seconds": limits.queryDelaySeconds = number(flag)
        case "--poll-interval-ms": limits.pollIntervalMilliseconds = number(flag)
        case "--threads": limits.threads = Int(number(flag))
        case "-h", "--help": print(usage); exit(0)
        default: fail("unknown argument \(flag)\n\(usage)")
        }
    }
    guard let configPath else { fail(usage) }
    return (configPath, limits)
}

let (configPath, limits) = parse(Array(CommandLine.arguments.dropFirst()))
let log = Log(component: "worker")
let configuration: Configuration
do {
    configuration = try Configuration.load(path: configPath)
    try limits.validate(against: configuration)
} catch {
    fail("\(error)")
}

let stop = WorkerStop()
signal(SIGPIPE, SIG_IGN)
let signalSources = stop.raiseOnTerminationSignals(log: log)
let webhookThreads: ThreadGroup
do {
    webhookThreads = try WebhookThreads.start(configuration: configuration, stop: stop, log: Log(component: "webhooks"))
} catch {
    fail("webhook dispatcher: \(error)")
}
let reconciliation: ReconciliationThread?
do {
    reconciliation = try ReconciliationThread.start(configuration: configuration, stop: stop, log: Log(component: "recon"))
} catch {
    fail("reconciliation: \(error)")
}
do {
    try AuditCheckpointThread.start(configuration: configuration, stop: stop, log: Log(component: "audit"))
} catch {
    fail("audit checkpoints: \(error)")
}
let timeoutWorkers: ThreadGroup
do {
    timeoutWorkers = try TimeoutWorkerThreads.start(configuration: configuration, limits: limits, stop: stop, log: log)
} catch {
    fail("\(error)")
}
withExtendedLifetime(signalSources) {
    timeoutWorkers.join()
    webhookThreads.join()
    reconciliation?.join()
}
exit(0)
