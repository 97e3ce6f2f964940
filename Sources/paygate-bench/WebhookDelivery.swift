import Foundation
import MariaDB
import PaygateCore
import Storage

/// Benchmark (f): merchant webhooks, measured from the receiver's log (scripts/bench-receiver.py:
/// "<receipt ms> <type> <payment_id> <event id>" per delivery) against the shards' own times.
///
/// - `latency`: after the pay path (e), waits until every `payment.succeeded` of the bench merchant
///   has reached the receiver, then reports the time from the channel's callback being applied
///   (the `succeeded` history row) to the receiver getting the webhook, p50/p99.
/// - `drain`: puts every event of the bench merchant back to `pending` at once (a backlog, as after
///   a receiver outage) and reports how fast the dispatcher delivers them all: webhooks/s.
enum WebhookDelivery {
    static let settleSecondsMax = 60.0

    struct Receipt { let receivedMilliseconds: Int64; let type: String; let paymentId: String }

    static func receipts(_ path: String, after offset: Int = 0) -> [Receipt] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst(offset).compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 4, let ms = Int64(parts[0]) else { return nil }
            return Receipt(receivedMilliseconds: ms, type: String(parts[1]), paymentId: String(parts[2]))
        }
    }

    /// payment_id → when its `succeeded` row was written, for the merchant's succeeded payments.
    static func succeededTimes(_ shards: ShardConnections, merchantId: String) throws -> [String: Int64] {
        var times: [String: Int64] = [:]
        for shard in 0..<shards.shardCount {
            let rows = try shards.read(shard: shard) { connection in
                try connection.query(
                    """
                    SELECT h.payment_id, h.created_at FROM payment_status_history h JOIN payments p ON p.payment_id = h.payment_id
                    WHERE p.merchant_id = ? AND h.to_status = 'succeeded'
                    """, [.text(merchantId)])
            }
            for row in rows {
                if let id = row[0], let text = row[1], let at = Timestamp(parsing: text) { times[id] = at.millisecondsSinceEpoch }
            }
        }
        return times
    }

    static func percentile(_ sorted: [Int64], _ fraction: Double) -> Double {
        sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])
    }

    /// Prints "count p50_ms p99_ms missing".
    static func latency(configuration: Configuration, merchantId: String, log: String) throws -> String {
        let shards = try ShardConnections(configuration: configuration.database)
        let succeeded = try succeededTimes(shards, merchantId: merchantId)
        var first: [String: Int64] = [:]
        let giveUp = Date().addingTimeInterval(settleSecondsMax)
        repeat {
            first = [:]
            for receipt in receipts(log) where receipt.type == "payment.succeeded" {
                first[receipt.paymentId] = min(first[receipt.paymentId] ?? .max, receipt.receivedMilliseconds)
            }
            if succeeded.keys.allSatisfy({ first[$0] != nil }) { break }
            usleep(200_000)
        } while Date() < giveUp
        let latencies = succeeded.compactMap { id, at in first[id].map { $0 - at } }.sorted()
        return String(
            format: "%d %.2f %.2f %d", latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.99),
            succeeded.count - latencies.count)
    }

    /// Prints "webhooks_per_second p50_ms p99_ms missing count" (latencies from the reset).
    static func drain(configuration: Configuration, merchantId: String, log: String) throws -> String {
        let shards = try ShardConnections(configuration: configuration.database)
        let offset = receipts(log).count
        let reset = Timestamp.now()
        var total = 0
        for shard in 0..<shards.shardCount {
            total += try shards.transaction(shard: shard) { connection in
                try connection.execute(
                    "UPDATE payment_events SET state = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL WHERE merchant_id = ?",
                    [.text(reset.databaseString), .text(merchantId)])
            }
        }
        var received: [Receipt] = []
        let giveUp = Date().addingTimeInterval(settleSecondsMax)
        repeat {
            received = receipts(log, after: offset)
            if received.count >= total { break }
            usleep(100_000)
        } while Date() < giveUp
        let times = received.map { $0.receivedMilliseconds - reset.millisecondsSinceEpoch }.sorted()
        let elapsedSeconds = Double(max(times.last ?? 1, 1)) / 1000
        return String(
            format: "%.1f %.2f %.2f %d %d", Double(received.count) / elapsedSeconds, percentile(times, 0.5), percentile(times, 0.99),
            max(total - received.count, 0), total)
    }
}
