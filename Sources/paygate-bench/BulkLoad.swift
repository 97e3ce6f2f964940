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

    /// What the loaded payments are: (d2)'s backlog of open payments of every channel, or (h)'s
    /// day of one channel's paid payments, each with its channel transaction and payment time.
    enum Mode {
        case backlog
        case paid(day: StatementDay, channel: Channel)
    }

    /// A paid payment as its channel's statement lists it.
    struct PaidRow: Sendable { var id: PaymentId; var transactionId: String; var amount: Money; var paidAt: Timestamp }

    struct Result { var payments: Int; var historyRows: Int; var seconds: Double; var paid: [PaidRow] }

    struct LoadError: Error, CustomStringConvertible { let description: String }

    static func run(configuration: Configuration, count: Int, mode: Mode = .backlog) throws -> Result {
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
                    let (rows, paid) = try load(
                        shard: shard, configuration: configuration, map: map, count: count, mode: mode, runId: runId, start: started)
                    tally.set(shard, rows: rows, paid: paid)
                } catch {
                    tally.set(shard, failure: "shard \(shard): \(error)")
                }
            }
            thread.start()
        }
        group.wait()
        let (rows, paid, failures) = tally.result
        guard failures.isEmpty else { throw LoadError(description: "bulk load failed: " + failures.joined(separator: "; ")) }
        // One history row per payment, written in the payment's transaction.
        return Result(
            payments: rows, historyRows: rows, seconds: Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9,
            paid: paid.sorted { $0.paidAt < $1.paidAt })
    }

    /// Writes this shard's share of the `count` payments (those whose slot it owns).
    private static func load(
        shard: Int, configuration: Configuration, map: ShardMap, count: Int, mode: Mode, runId: String, start: Timestamp
    ) throws -> (Int, [PaidRow]) {
        let shards = try ShardConnections(configuration: configuration.database)
        let spacing = max(1, creationSpreadMilliseconds / Int64(max(count, 1)))
        let firstCreated = start.millisecondsSinceEpoch - creationSpreadMilliseconds
        let expires = start.adding(seconds: expirySeconds)
        var generator = SystemRandomNumberGenerator()
        var payments: [String] = []
        var history: [String] = []
        var paid: [PaidRow] = []
        var written = 0
        func flush() throws {
            guard !payments.isEmpty else { return }
            let paymentsSQL = """
                INSERT INTO payments (payment_id, slot, merchant_id, merchant_order_no, amount, currency, channel, status,
                subject, notify_url, metadata, channel_payload, created_at, updated_at, expires_at, check_after, paid_at,
                channel_txn_id) VALUES
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
            var created = Timestamp(millisecondsSinceEpoch: firstCreated + Int64(index) * spacing)
            var status: PaymentStatus = index % closedEvery == closedEvery - 1 ? .closed : .processing
            var channel = Channel.allCases[index % Channel.allCases.count]
            var amount = Money(minorUnits: 1_230, currency: .cny)
            var paidColumns = "NULL,NULL"
            if case .paid(let day, let paidChannel) = mode {
                // Spread over the day; amounts of 0.01 to 999.99 so no two neighbours look alike.
                created = day.start.adding(seconds: Int64(index) * 86_000 / Int64(max(count, 1)))
                (status, channel) = (.succeeded, paidChannel)
                amount = Money(minorUnits: Int64(index % 99_999) + 1, currency: .cny)
            }
            let id = PaymentId(millisecondsSinceEpoch: created.millisecondsSinceEpoch, slot: slot, random: generator.next())
            if case .paid = mode {
                let row = PaidRow(id: id, transactionId: "4200" + Hex.encode(UInt64(index), digits: 24), amount: amount, paidAt: created)
                paidColumns = "'\(created.databaseString)','\(row.transactionId)'"
                paid.append(row)
            }
            let createdText = created.databaseString
            let expiresText = Timestamp(millisecondsSinceEpoch: expires.millisecondsSinceEpoch + Int64(index)).databaseString
            payments.append(
                "('\(id.text)',\(slot),'\(merchantId)','\(orderNo)',\(amount.databaseText),'CNY','\(channel.rawValue)','\(status.rawValue)',"
                    + "'bulk','https://merchant.example/notify','{}','{}','\(createdText)','\(createdText)','\(expiresText)',"
                    + "'\(expiresText)',\(paidColumns))")
            history.append("('\(id.text)',\(slot),'created','\(status.rawValue)','bench_bulk_load',NULL,'\(createdText)')")
            if payments.count >= rowsPerStatementMax { try flush() }
        }
        try flush()
        return (written, paid)
    }
}

/// Rows written per shard, and the failures, gathered from the loading threads.
final class ShardTally: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [Int]
    private var paid: [BulkLoad.PaidRow] = []
    private var failures: [String] = []

    init(shards: Int) { rows = Array(repeating: 0, count: shards) }

    func set(_ shard: Int, rows count: Int, paid loaded: [BulkLoad.PaidRow]) {
        lock.lock(); defer { lock.unlock() }
        rows[shard] = count
        paid += loaded
    }

    func set(_ shard: Int, failure: String) {
        lock.lock(); defer { lock.unlock() }
        failures.append(failure)
    }

    var result: (rows: Int, paid: [BulkLoad.PaidRow], failures: [String]) {
        lock.lock(); defer { lock.unlock() }
        return (rows.reduce(0, +), paid, failures)
    }
}
