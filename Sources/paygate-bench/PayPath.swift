import Foundation
import HTTPClient
import MariaDB
import PaygateCore
import PaygateCrypto
import Storage

/// Benchmark (e): the pay path end to end. Client threads create signed payments over HTTPS,
/// pay each at the channel sandbox (the payer's POST to pay_url), and the sandbox's signed
/// callback settles it. Reports completed payments per second and the latency from the payer's
/// payment to `succeeded` (the channel's callback path: sandbox dispatcher → nginx → pool →
/// transaction), p50/p99, measured on one clock: the client's pay time against the time the
/// `succeeded` history row was written.
enum PayPath {
    /// How long to wait after the load for the last callbacks to land.
    static let settleSecondsMax = 30.0

    struct Options {
        var configuration: Configuration
        var apiURL: String
        var caFile: String
        var merchantId: String
        var secret: String
        var threads: Int
        var seconds: Double
        /// Where the payments' webhooks go (the bench receiver, for (f)).
        var notifyURL: String
    }

    struct Paid { let id: String; let paidAtMilliseconds: Int64 }

    static func run(_ options: Options) -> (completedPerSecond: Double, p50: Double, p99: Double, errors: Int, completed: Int) {
        let box = PaidBox()
        let started = Timestamp.now().millisecondsSinceEpoch
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.seconds * 1e9)
        let group = DispatchGroup()
        for index in 0..<options.threads {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let (paid, errors) = client(index: index, options: options, deadline: deadline)
                box.add(paid, errors: errors)
            }
            thread.start()
        }
        group.wait()
        let (latencies, lastSucceeded) = settle(box.paid, configuration: options.configuration)
        let sorted = latencies.sorted()
        func percentile(_ fraction: Double) -> Double {
            sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])
        }
        let elapsedSeconds = Double(max(lastSucceeded - started, 1)) / 1000
        let unsettled = box.paid.count - sorted.count
        return (Double(sorted.count) / elapsedSeconds, percentile(0.5), percentile(0.99), box.errors + unsettled, sorted.count)
    }

    /// One simulated merchant-and-payer: create, pay, repeat until the deadline.
    private static func client(index: Int, options: Options, deadline: UInt64) -> ([Paid], Int) {
        let http = HTTPClient(
            configuration: HTTPClientConfiguration(
                caFile: options.caFile, connectTimeoutMilliseconds: 2000, totalTimeoutMilliseconds: 15_000))
        var paid: [Paid] = []
        var errors = 0
        var sequence = 0
        while DispatchTime.now().uptimeNanoseconds < deadline {
            sequence += 1
            guard
                let (paymentId, payURL) = try? create(
                    http, options: options, orderNo: "paypath-\(index)-\(sequence)-\(Timestamp.now().millisecondsSinceEpoch)")
            else {
                errors += 1; continue
            }
            let payTime = Timestamp.now().millisecondsSinceEpoch
            let request = OutboundRequest(
                method: "POST", url: payURL, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("result=success".utf8))
            guard case .response(let status, _, _, _) = http.send(request), status < 300 else { errors += 1; continue }
            paid.append(Paid(id: paymentId, paidAtMilliseconds: payTime))
        }
        return (paid, errors)
    }

    private static func create(_ http: HTTPClient, options: Options, orderNo: String) throws -> (String, String)? {
        let body = Array(
            #"{"merchant_order_no":"\#(orderNo)","amount":"12.30","currency":"CNY","channel":"alipay","subject":"bench","notify_url":"\#(options.notifyURL)"}"#
                .utf8)
        let timestamp = Timestamp.now().secondsSinceEpoch
        let nonce = try SecureRandom.alphanumeric(32)
        let signature = Base64.encode(
            HMACSHA256.authenticate(
                key: Array(options.secret.utf8),
                message: AuthorizationHeader.stringToSign(
                    method: "POST", requestURI: "/v1/payments", timestamp: timestamp, nonce: nonce, body: body)))
        let authorization =
            "PAYGATE-HMAC-SHA256 merchant_id=\"\(options.merchantId)\",timestamp=\"\(timestamp)\",nonce=\"\(nonce)\",signature=\"\(signature)\""
        let request = OutboundRequest(
            method: "POST", url: options.apiURL + "/v1/payments",
            headers: [("Authorization", authorization), ("Content-Type", "application/json")], body: body)
        guard case .response(201, _, let answer, _) = http.send(request),
            let document = try? JSONParser.parse(answer),
            case .string(let id)? = document["payment_id"],
            case .string(let payURL)? = document["channel_payload"]?["pay_url"]
        else { return nil }
        return (id, payURL)
    }

    /// Waits for the callbacks, then reads when each payment's `succeeded` row was written.
    private static func settle(_ paid: [Paid], configuration: Configuration) -> (latencies: [Int64], lastSucceeded: Int64) {
        guard let shards = try? ShardConnections(configuration: configuration.database) else { return ([], 0) }
        var pending = Dictionary(uniqueKeysWithValues: paid.map { ($0.id, $0.paidAtMilliseconds) })
        var latencies: [Int64] = []
        var lastSucceeded: Int64 = 0
        let giveUp = Date().addingTimeInterval(settleSecondsMax)
        while !pending.isEmpty, Date() < giveUp {
            for shard in 0..<shards.shardCount {
                let rows =
                    (try? shards.read(shard: shard) { connection in
                        try connection.query(
                            "SELECT payment_id, created_at FROM payment_status_history WHERE to_status = 'succeeded' AND created_at >= ?",
                            [.text(Timestamp(millisecondsSinceEpoch: pending.values.min() ?? 0).databaseString)])
                    }) ?? []
                for row in rows {
                    guard let id = row[0], let paidAt = pending[id], let text = row[1], let at = Timestamp(parsing: text) else { continue }
                    latencies.append(at.millisecondsSinceEpoch - paidAt)
                    lastSucceeded = max(lastSucceeded, at.millisecondsSinceEpoch)
                    pending[id] = nil
                }
            }
            if !pending.isEmpty { usleep(200_000) }
        }
        return (latencies, lastSucceeded)
    }
}

final class PaidBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var paid: [PayPath.Paid] = []
    private(set) var errors = 0
    func add(_ more: [PayPath.Paid], errors moreErrors: Int) {
        lock.lock(); defer { lock.unlock() }
        paid += more
        errors += moreErrors
    }
}
