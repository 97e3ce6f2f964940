import Foundation
import MariaDB
import PaygateCore
import PaygateCrypto
import Storage

/// Benchmark (d2)'s data: a large table of payments written straight into the shards, so the
/// create path can be measured again against shards that hold a realistic backlog.
///
/// Every row is what the API would have written for a payment of a merchant of its own
/// (`merchantId`): its slot is the real hash of (merchant, order number), so it lives on the shard
/// that owns that slot and a lookup by order number finds it; its id has that slot and a creation
/// time in the last hour. Most are open (`processing`, expiring a day after the load), the rest
/// `closed`; each has one history row for its status. `check_after` equals `expires_at`: the
/// worker's claim query (status, check_after) passes over them, as over any payment not yet due.
/// One thread per shard sends multi-row INSERTs, `rowsPerStatementMax` rows per transaction.
enum BulkLoad {
    static let merchantId = "mch_bench_bulk"
    /// Rows per INSERT and per transaction: about 300 KB of SQL, far below max_allowed_packet,
    /// and few enough commits (one fsync each) not to matter.
    static let rowsPerStatementMax = 1_000
    /// One payment in this many is `closed`; the others are open.
    static let closedEvery = 10
    /// Creation times are spread over the hour before the load.
    static let creationSpreadMilliseconds: Int64 = 3_600_000
    /// Open payments expire this long after the load.
    static let expirySeconds: Int64 = 86_400

    struct Result { var payments: Int; var historyRows: Int; var seconds: Double }

    struct LoadError: Error, CustomStringConvertible { let description: String }

    static func run(configuration: Configuration, count: Int) throws -> Result {
        let map = try ShardMap(configuration.database)
        let runId = Hex.encode(try SecureRandom.bytes(4))
        let started = Timestamp.now()
        let begin = DispatchTime.now().uptimeNanoseconds
        let tally = ShardTally(shards: map.shardCount)
        let group = DispatchGroup()
        for shard in 0..<map.shardCount {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    tally.set(
                        shard,
                        rows: try load(shard: shard, configuration: configuration, map: map, count: count, runId: runId, start: started))
                } catch {
                    tally.set(shard, failure: "shard \(shard): \(error)")
                }
            }
            thread.start()
        }
        group.wait()
        let (rows, failures) = tally.result
        guard failures.isEmpty else { throw LoadError(description: "bulk load failed: " + failures.joined(separator: "; ")) }
        // One history row per payment, written in the payment's transaction.
        return Result(payments: rows, historyRows: rows, seconds: Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
    }

    /// Writes this shard's share of the `count` payments (those whose slot it owns).
    private static func load(
        shard: Int, configuration: Configuration, map: ShardMap, count: Int, runId: String, start: Timestamp
    ) throws -> Int {
        let shards = try ShardConnections(configuration: configuration.database)
        let spacing = max(1, creationSpreadMilliseconds / Int64(max(count, 1)))
        let firstCreated = start.millisecondsSinceEpoch - creationSpreadMilliseconds
        let expires = start.adding(seconds: expirySeconds)
        var generator = SystemRandomNumberGenerator()
        var payments: [String] = []
        var history: [String] = []
        var written = 0
        func flush() throws {
            guard !payments.isEmpty else { return }
            let paymentsSQL = """
                INSERT INTO payments (payment_id, slot, merchant_id, merchant_order_no, amount, currency, channel, status,
                subject, notify_url, metadata, channel_payload, created_at, updated_at, expires_at, check_after) VALUES
                """ + payments.joined(separator: ",")
            let historySQL =
                "INSERT INTO payment_status_history (payment_id, slot, from_status, to_status, reason, request_id, created_at) VALUES "
                + history.joined(separator: ",")
            try shards.transaction(shard: shard) { connection in
                try connection.run(paymentsSQL)
                try connection.run(historySQL)
            }
            written += payments.count
            payments.removeAll(keepingCapacity: true)
            history.removeAll(keepingCapacity: true)
        }
        for index in 0..<count {
            let orderNo = "bulk-\(runId)-\(index)"
            let slot = SlotRouter.paymentSlot(merchantId: merchantId, merchantOrderNo: orderNo, slotCount: map.slotCount)
            guard map.shardIndex(forSlot: slot) == shard else { continue }
            let created = Timestamp(millisecondsSinceEpoch: firstCreated + Int64(index) * spacing)
            let id = PaymentId(millisecondsSinceEpoch: created.millisecondsSinceEpoch, slot: slot, random: generator.next())
            let status: PaymentStatus = index % closedEvery == closedEvery - 1 ? .closed : .processing
            let channel = Channel.allCases[index % Channel.allCases.count].rawValue
            let createdText = created.databaseString
            let expiresText = Timestamp(millisecondsSinceEpoch: expires.millisecondsSinceEpoch + Int64(index)).databaseString
            payments.append(
                "('\(id.text)',\(slot),'\(merchantId)','\(orderNo)',12.30,'CNY','\(channel)','\(status.rawValue)','bulk',"
                    + "'https://merchant.example/notify','{}','{}','\(createdText)','\(createdText)','\(expiresText)','\(expiresText)')")
            history.append("('\(id.text)',\(slot),'created','\(status.rawValue)','bench_bulk_load',NULL,'\(createdText)')")
            if payments.count >= rowsPerStatementMax { try flush() }
        }
        try flush()
        return written
    }
}

/// Rows written per shard, and the failures, gathered from the loading threads.
final class ShardTally: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [Int]
    private var failures: [String] = []

    init(shards: Int) { rows = Array(repeating: 0, count: shards) }

    func set(_ shard: Int, rows count: Int) {
        lock.lock(); defer { lock.unlock() }
        rows[shard] = count
    }

    func set(_ shard: Int, failure: String) {
        lock.lock(); defer { lock.unlock() }
        failures.append(failure)
    }

    var result: (rows: Int, failures: [String]) {
        lock.lock(); defer { lock.unlock() }
        return (rows.reduce(0, +), failures)
    }
}
