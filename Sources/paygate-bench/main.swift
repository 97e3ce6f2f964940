import Foundation
import HTTPClient
import PaygateCore

// paygate-bench: the parts of `make bench` that wrk cannot do (scripts/bench.sh runs the rest).
//   paygate-bench --config FILE ceiling [--threads N] [--seconds S]
//       (c) the create transaction straight against the shards; prints one result line.
//   paygate-bench sign --merchant-id ID --secret-file FILE --count N --out FILE
//       pre-signed create requests for wrk (d), (d2), (g).
//   paygate-bench --config FILE paypath --url URL --ca FILE --merchant-id ID --secret-file FILE [--threads N] [--seconds S]
//       (e) create + sandbox pay + callback; completed payments/s and pay-to-succeeded latency.
//   paygate-bench --config FILE callbacks --merchant-id ID --access-log FILE [--pool-log FILE]
//       (e) at paygate: callback reaching nginx to its succeeded row and commit (CallbackLatency.swift).
//   paygate-bench --config FILE webhooks latency|drain --merchant-id ID --receiver-log FILE
//       (f) merchant webhooks (WebhookDelivery.swift).
//   paygate-bench --config FILE bulkload --count N
//       (d2) N payments written straight into the shards (BulkLoad.swift); prints
//       "payments history_rows seconds".
//   paygate-bench sign ... --payer
//       the same with a payer in each request ((i), risk on against risk off).
//   paygate-bench --config FILE riskeval --count N
//       (i) the risk evaluation's own p50/p99 in µs, with and without the Redis round trip (RiskEval.swift).
//   paygate-bench --config FILE reconload --count N --day yyyy-MM-dd --out FILE
//       (h) N WeChat Pay payments paid that day written into the shards, and that day's statement
//       listing them written to FILE (ReconLoad.swift); prints "payments seconds".

func complain(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("paygate-bench: " + message + "\n").utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

if arguments.contains("ceiling") {
    guard let path = option("--config") else { complain("ceiling needs --config FILE") }
    let configuration: Configuration
    do { configuration = try Configuration.load(path: path) } catch { complain("\(error)") }
    let threads = Int(option("--threads") ?? "64") ?? 64
    let seconds = Double(option("--seconds") ?? "10") ?? 10
    let summary = DatabaseCeiling.run(configuration: configuration, threads: threads, seconds: seconds)
    // One machine-readable line: requests_per_second p50_ms p99_ms errors count
    print(
        String(
            format: "%.1f %.2f %.2f %d %d", summary.requestsPerSecond, summary.p50Milliseconds, summary.p99Milliseconds, summary.errors,
            summary.count))
} else if arguments.contains("paypath") {
    guard let path = option("--config"), let url = option("--url"), let ca = option("--ca"),
        let merchantId = option("--merchant-id"), let secretFile = option("--secret-file")
    else {
        complain("paypath needs --config, --url, --ca, --merchant-id and --secret-file")
    }
    let configuration: Configuration
    do { configuration = try Configuration.load(path: path) } catch { complain("\(error)") }
    guard let secret = try? String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
        complain("cannot read \(secretFile)")
    }
    HTTPClient.initializeOnce()
    let result = PayPath.run(
        PayPath.Options(
            configuration: configuration, apiURL: url, caFile: ca, merchantId: merchantId, secret: secret,
            threads: Int(option("--threads") ?? "16") ?? 16, seconds: Double(option("--seconds") ?? "10") ?? 10,
            notifyURL: option("--notify-url") ?? "https://merchant.example/notify"))
    // completed_per_second p50_ms p99_ms errors completed
    print(String(format: "%.1f %.2f %.2f %d %d", result.completedPerSecond, result.p50, result.p99, result.errors, result.completed))
} else if arguments.contains("callbacks") {
    guard let path = option("--config"), let merchantId = option("--merchant-id"), let accessLog = option("--access-log") else {
        complain("callbacks needs --config, --merchant-id and --access-log")
    }
    let configuration: Configuration
    do { configuration = try Configuration.load(path: path) } catch { complain("\(error)") }
    do {
        print(
            try CallbackLatency.run(
                configuration: configuration, merchantId: merchantId, accessLog: accessLog, poolLog: option("--pool-log")))
    } catch { complain("\(error)") }
} else if arguments.contains("bulkload") {
    guard let path = option("--config"), let count = option("--count").flatMap(Int.init), count > 0 else {
        complain("bulkload needs --config and --count N (N > 0)")
    }
    let configuration: Configuration
    do { configuration = try Configuration.load(path: path) } catch { complain("\(error)") }
    do {
        let result = try BulkLoad.run(configuration: configuration, count: count)
        print(String(format: "%d %d %.1f", result.payments, result.historyRows, result.seconds))
    } catch { complain("\(error)") }
} else if arguments.contains("reconload") {
    guard let path = option("--config"), let count = option("--count").flatMap(Int.init), count > 0,
        let day = option("--day").flatMap(StatementDay.init), let out = option("--out")
    else {
        complain("reconload needs --config, --count N (N > 0), --day yyyy-MM-dd and --out FILE")
    }
    let configuration: Configuration
    do { configuration = try Configuration.load(path: path) } catch { complain("\(error)") }
    do {
        let result = try ReconLoad.run(configuration: configuration, count: count, day: day, out: out)
        print(String(format: "%d %.1f", result.payments, result.seconds))
    } catch { complain("\(error)") }
} else if arguments.contains("webhooks") {
    guard let path = option("--config"), let merchantId = option("--merchant-id"), let log = option("--receiver-log"),
        arguments.contains("latency") || arguments.contains("drain")
    else {
        complain("webhooks needs latency|drain, --config, --merchant-id and --receiver-log")
    }
    let configuration: Configuration
    do { configuration = try Configuration.load(path: path) } catch { complain("\(error)") }
    do {
        print(
            arguments.contains("latency")
                ? try WebhookDelivery.latency(configuration: configuration, merchantId: merchantId, log: log)
                : try WebhookDelivery.drain(configuration: configuration, merchantId: merchantId, log: log))
    } catch { complain("\(error)") }
} else if arguments.contains("sign") {
    guard let merchantId = option("--merchant-id"), let secretFile = option("--secret-file"),
        let count = option("--count").flatMap(Int.init), let out = option("--out")
    else {
        complain("sign needs --merchant-id, --secret-file, --count and --out")
    }
    guard let secret = try? String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
        complain("cannot read \(secretFile)")
    }
    do {
        try SignedRequests.write(merchantId: merchantId, secret: secret, count: count, to: out, payer: arguments.contains("--payer"))
    } catch { complain("\(error)") }
} else if arguments.contains("riskeval") {
    guard let path = option("--config"), let count = option("--count").flatMap(Int.init), count > 0 else {
        complain("riskeval needs --config and --count N (N > 0)")
    }
    let configuration: Configuration
    do { configuration = try Configuration.load(path: path) } catch { complain("\(error)") }
    do { print(try RiskEval.run(configuration: configuration, count: count)) } catch { complain("\(error)") }
} else {
    complain(
        "usage: paygate-bench --config FILE ceiling|paypath|callbacks|webhooks|bulkload ... | sign ... (see the top of Sources/paygate-bench/main.swift)"
    )
}
