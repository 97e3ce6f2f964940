import Foundation
import PaygateCore
import Storage

/// Benchmark (e), measured where paygate is: from a channel callback reaching nginx to the
/// `succeeded` row it wrote. nginx's access log (nginx.conf.template, `log_format paygate`) gives
/// each request's `request_id`, `request_time` (seconds, from its first bytes to its log line) and
/// `msec` (the log line's time), so the request reached nginx at `msec - request_time`; the
/// success's history row carries the same `request_id` (the pool's REQUEST_ID) and its
/// `created_at`, written inside the transaction a few statements before its commit (the ledger
/// posting and the merchant event follow it), so the figure stops just short of the commit; the
/// request's own `request_time`, which ends after the commit and the answer, bounds it from
/// above and is reported next to it. Both clocks are this machine's wall clock, both to the
/// millisecond. Neither the sandbox's queue nor its signing is in this figure, unlike the
/// payer-to-succeeded latency of PayPath.
enum CallbackLatency {
    /// One callback request as nginx logged it.
    struct Arrival {
        /// When it reached nginx, ms since the epoch.
        let arrivedMilliseconds: Int64
        /// From then until nginx had sent the answer (after the commit): the figure's upper bound.
        let requestMilliseconds: Int64
    }

    /// The callback requests (`POST /callbacks/...`) of the access log, by request id.
    static func arrivals(accessLog path: String) throws -> [String: Arrival] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ConfigurationError("cannot read \(path)") }
        var arrivals: [String: Arrival] = [:]
        for line in text.split(separator: "\n") where line.contains("\"POST /callbacks/") {
            var requestId: Substring?
            var requestSeconds: Double?
            var loggedSeconds: Double?
            for field in line.split(separator: " ") {
                if field.hasPrefix("request_id=") { requestId = field.dropFirst("request_id=".count) }
                else if field.hasPrefix("request_time=") { requestSeconds = Double(field.dropFirst("request_time=".count)) }
                else if field.hasPrefix("msec=") { loggedSeconds = Double(field.dropFirst("msec=".count)) }
            }
            guard let requestId, let requestSeconds, let loggedSeconds else { continue }
            arrivals[String(requestId)] = Arrival(
                arrivedMilliseconds: Int64(((loggedSeconds - requestSeconds) * 1000).rounded()),
                requestMilliseconds: Int64((requestSeconds * 1000).rounded()))
        }
        return arrivals
    }

    /// Prints "count p50_ms p99_ms missing request_p50_ms request_p99_ms": arrival to the
    /// `succeeded` row, then arrival to the answer sent (the whole callback request at nginx).
    /// `missing` counts the merchant's `succeeded` rows whose callback is not in the log (no
    /// request id, or written by another path, e.g. a worker's query).
    static func run(configuration: Configuration, merchantId: String, accessLog: String) throws -> String {
        let arrivals = try arrivals(accessLog: accessLog)
        let shards = try ShardConnections(configuration: configuration.database)
        var latencies: [Int64] = []
        var requests: [Int64] = []
        var missing = 0
        for shard in 0..<shards.shardCount {
            let rows = try shards.read(shard: shard) { connection in
                try connection.query(
                    """
                    SELECT h.request_id, h.created_at FROM payment_status_history h JOIN payments p ON p.payment_id = h.payment_id
                    WHERE p.merchant_id = ? AND h.to_status = 'succeeded'
                    """, [.text(merchantId)])
            }
            for row in rows {
                guard let requestId = row[0], let arrived = arrivals[requestId], let text = row[1], let written = Timestamp(parsing: text) else {
                    missing += 1
                    continue
                }
                latencies.append(written.millisecondsSinceEpoch - arrived.arrivedMilliseconds)
                requests.append(arrived.requestMilliseconds)
            }
        }
        latencies.sort()
        requests.sort()
        return String(format: "%d %.2f %.2f %d %.2f %.2f", latencies.count, WebhookDelivery.percentile(latencies, 0.5),
                      WebhookDelivery.percentile(latencies, 0.99), missing,
                      WebhookDelivery.percentile(requests, 0.5), WebhookDelivery.percentile(requests, 0.99))
    }
}
