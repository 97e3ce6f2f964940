import Foundation
import PaygateCore
import PaygateCrypto
import Storage

/// Benchmark (c): a create's database work, run straight against the shards by the storage layer
/// from many threads, with no HTTP, TLS, FastCGI or channel in the way: the one durable transaction
/// that stores a prepaid payment (nonce, payment, history rows), exactly as `POST /v1/payments`
/// makes it. It is the ceiling the full HTTPS path (d) is
/// compared with.
enum DatabaseCeiling {
    static let merchantId = "mch_bench_ceiling"

    static func run(configuration: Configuration, threads: Int, seconds: Double) -> LatencySummary {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let results = ResultBox(threads: threads)
        let started = DispatchTime.now().uptimeNanoseconds
        // Real threads, one per simulated client: concurrentPerform would cap at the core count.
        let group = DispatchGroup()
        for index in 0..<threads {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let (latencies, errors) = client(index: index, configuration: configuration, deadline: deadline)
                results.store(index: index, latencies: latencies, errors: errors)
            }
            thread.start()
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return LatencySummary(latenciesNanoseconds: results.allLatencies, errors: results.errorCount, seconds: elapsed)
    }

    /// One simulated client: creates payments back to back until the deadline.
    private static func client(index: Int, configuration: Configuration, deadline: UInt64) -> (latencies: [UInt64], errors: Int) {
        var latencies: [UInt64] = []
        var errors = 0
        let store: PaymentStore
        do { store = PaymentStore(shards: try ShardConnections(configuration: configuration.database)) } catch { return ([], 1) }
        var sequence = 0
        while DispatchTime.now().uptimeNanoseconds < deadline {
            sequence += 1
            let begin = DispatchTime.now().uptimeNanoseconds
            do {
                let payment = try newPayment(
                    orderNo: "ceiling-\(index)-\(sequence)-\(try SecureRandom.uint64())", slotCount: store.shards.map.slotCount)
                let nonce = RequestNonce(merchantId: merchantId, nonce: try SecureRandom.alphanumeric(32), signature: "bench")
                // What POST /v1/payments does with the database: one transaction storing the
                // prepaid payment (nonce, payment, two history rows).
                var processing = payment
                processing.status = .processing
                processing.channelPayloadJSON = Payment.channelPayloadJSON(payURL: "https://channel.example/pay/\(payment.id.text)")
                guard
                    case .created = try store.create(
                        processing, checkAfter: payment.expiresAt, nonce: nonce, stepReason: "prepay", requestId: "")
                else { errors += 1; continue }
                latencies.append(DispatchTime.now().uptimeNanoseconds - begin)
            } catch {
                errors += 1
            }
        }
        return (latencies, errors)
    }

    /// The same payment the API would build for a CNY 12.30 order.
    private static func newPayment(orderNo: String, slotCount: Int) throws -> Payment {
        let slot = SlotRouter.paymentSlot(merchantId: merchantId, merchantOrderNo: orderNo, slotCount: slotCount)
        let now = Timestamp.now()
        return Payment(
            id: PaymentId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
            merchantId: merchantId, merchantOrderNo: orderNo, amount: Money(minorUnits: 1230, currency: .cny),
            channel: .alipay, status: .created, refundedAmount: Money(minorUnits: 0, currency: .cny),
            subject: "bench", notifyURL: "https://merchant.example/notify", metadataJSON: "{}", payerJSON: nil,
            channelPayloadJSON: "{}", channelTransactionId: nil, failureCode: nil, version: 1, createdAt: now,
            paidAt: nil, expiresAt: now.adding(seconds: 900))
    }
}

/// Per-thread results gathered after the threads finish (each index written by one thread).
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var latencies: [[UInt64]]
    private var errors: [Int]

    init(threads: Int) {
        latencies = Array(repeating: [], count: threads)
        errors = Array(repeating: 0, count: threads)
    }

    func store(index: Int, latencies: [UInt64], errors: Int) {
        lock.lock(); defer { lock.unlock() }
        self.latencies[index] = latencies
        self.errors[index] = errors
    }

    var allLatencies: [UInt64] { lock.lock(); defer { lock.unlock() }; return latencies.flatMap { $0 } }
    var errorCount: Int { lock.lock(); defer { lock.unlock() }; return errors.reduce(0, +) }
}
