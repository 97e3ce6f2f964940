import Foundation
import PaygateCore
import Storage

/// Benchmark (e), measured where paygate is: from a channel callback reaching nginx to the
/// `succeeded` commit it caused. Three clocks-on-one-machine sources, joined by nginx's
/// `$request_id` (the pool's REQUEST_ID, so the callback's history row and log lines carry it):
/// - nginx's access log (nginx.conf.template, `log_format paygate`): `msec` is the log line's
///   time and `request_time` runs from the request's first bytes to it, so the request reached
///   nginx at `msec - request_time`, and nginx had sent the answer at `msec`;
/// - the success's history row: its `created_at` is taken inside the transaction, before the
///   ledger posting, the merchant event and the COMMIT, so this figure stops just short of the
///   commit;
/// - the pool's log (optional): the handler logs `callback <channel> <payment>: <reason>` once
///   `apply` has returned, i.e. just after the COMMIT (redo and binary log synced), which is the
///   figure with the commit in it.
/// All are this machine's wall clock to the millisecond. Neither the sandbox's queue nor its
/// signing is in them, unlike the payer-to-succeeded latency of PayPath.
enum CallbackLatency {
    /// One callback request as nginx logged it.
    struct Arrival {
        /// When it reached nginx, ms since the epoch.
        let arrivedMilliseconds: Int64
        /// From then until nginx had sent the answer.
        let requestMilliseconds: Int64
    }

    /// The lines of a log file that contain `marker` (both logs are large: the access log holds
    /// every request of the run, so lines are picked by bytes before any String is made).
    static func lines(of path: String, containing marker: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("cannot read \(path)") }
        let needle = Array(marker.utf8)
        var found: [String] = []
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if contains(line, needle) { found.append(String(decoding: line, as: UTF8.self)) }
                start = end + 1
            }
        }
        return found
    }

    private static func contains(_ line: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard line.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        while index + needle.count <= line.count {
            if line[index] == first, (1..<needle.count).allSatisfy({ line[index + $0] == needle[$0] }) { return true }
            index += 1
        }
        return false
    }

    /// `name=value` fields of a log line.
    private static func field(_ name: String, in line: String) -> Substring? {
        let prefix = name + "="
        return line.split(separator: " ").first { $0.hasPrefix(prefix) }?.dropFirst(prefix.count)
    }

    /// The callback requests (`POST /callbacks/...`) of the access log, by request id.
    static func arrivals(accessLog path: String) throws -> [String: Arrival] {
        var arrivals: [String: Arrival] = [:]
        for line in try lines(of: path, containing: "\"POST /callbacks/") {
            guard let requestId = field("request_id", in: line),
                let requestSeconds = field("request_time", in: line).flatMap({ Double($0) }),
                let loggedSeconds = field("msec", in: line).flatMap({ Double($0) })
            else { continue }
            arrivals[String(requestId)] = Arrival(
                arrivedMilliseconds: Int64(((loggedSeconds - requestSeconds) * 1000).rounded()),
                requestMilliseconds: Int64((requestSeconds * 1000).rounded()))
        }
        return arrivals
    }

    /// When the pool logged each callback's outcome (after its commit), by request id: the last
    /// `callback` line of the request, whose first field is its RFC 3339 time.
    static func commitTimes(poolLog path: String) throws -> [String: Int64] {
        var times: [String: Int64] = [:]
        for line in try lines(of: path, containing: " callback ") {
            guard let requestId = field("request_id", in: line), let first = line.split(separator: " ").first,
                let at = Timestamp(parsing: String(first))
            else { continue }
            times[String(requestId)] = max(times[String(requestId)] ?? 0, at.millisecondsSinceEpoch)
        }
        return times
    }

    /// Prints "count p50 p99 missing answered_p50 answered_p99 committed_count committed_p50
    /// committed_p99" (ms): arrival to the `succeeded` row, arrival to the answer sent, and arrival
    /// to the pool's post-commit log line (0 0 0 without a pool log). `missing` counts the
    /// merchant's `succeeded` rows whose callback is not in the access log (no request id, or
    /// written by another path, e.g. a worker's query).
    static func run(configuration: Configuration, merchantId: String, accessLog: String, poolLog: String?) throws -> String {
        let arrivals = try arrivals(accessLog: accessLog)
        let commits = try poolLog.map { try commitTimes(poolLog: $0) } ?? [:]
        let shards = try ShardConnections(configuration: configuration.database)
        var written: [Int64] = []
        var answered: [Int64] = []
        var committed: [Int64] = []
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
                guard let requestId = row[0], let arrival = arrivals[requestId], let text = row[1], let at = Timestamp(parsing: text) else {
                    missing += 1
                    continue
                }
                written.append(at.millisecondsSinceEpoch - arrival.arrivedMilliseconds)
                answered.append(arrival.requestMilliseconds)
                if let commit = commits[requestId] { committed.append(commit - arrival.arrivedMilliseconds) }
            }
        }
        written.sort()
        answered.sort()
        committed.sort()
        let percentile = WebhookDelivery.percentile
        return String(
            format: "%d %.2f %.2f %d %.2f %.2f %d %.2f %.2f", written.count, percentile(written, 0.5), percentile(written, 0.99), missing,
            percentile(answered, 0.5), percentile(answered, 0.99), committed.count, percentile(committed, 0.5), percentile(committed, 0.99))
    }
}
