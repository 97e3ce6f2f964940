import Foundation
import PaygateCore
import PaygateCrypto
import Storage

/// Benchmark (c): the create transaction (nonce + payment + history row, durable commit) run
/// straight against the shards by the storage layer from many threads, with no HTTP, TLS or
/// FastCGI in the way. It is the ceiling the full HTTPS path (d) is compared with.
enum DatabaseCeiling {
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
            var latencies: [UInt64] = []
            var errors = 0
            do {
                let shards = try ShardConnections(configuration: configuration.database)
                let store = PaymentStore(shards: shards)
                let merchantId = "mch_bench_ceiling"
                var sequence = 0
                while DispatchTime.now().uptimeNanoseconds < deadline {
                    sequence += 1
                    let begin = DispatchTime.now().uptimeNanoseconds
                    do {
                        let orderNo = "ceiling-\(index)-\(sequence)-\(try SecureRandom.uint64())"
                        let slot = SlotRouter.paymentSlot(merchantId: merchantId, merchantOrderNo: orderNo, slotCount: shards.map.slotCount)
                        let now = Timestamp.now()
                        let payment = Payment(
                            id: PaymentId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
                            merchantId: merchantId, merchantOrderNo: orderNo, amount: Money(minorUnits: 1230, currency: .cny),
                            channel: .alipay, status: .created, refundedAmount: Money(minorUnits: 0, currency: .cny),
                            subject: "bench", notifyURL: "https://merchant.example/notify", metadataJSON: "{}", payerJSON: nil,
                            channelPayloadJSON: "{}", channelTransactionId: nil, failureCode: nil, version: 1, createdAt: now,
                            paidAt: nil, expiresAt: now.adding(seconds: 900))
                        let nonce = RequestNonce(merchantId: merchantId, nonce: try SecureRandom.alphanumeric(32), signature: "bench")
                        guard case .created = try store.create(payment, nonce: nonce, requestId: "") else { errors += 1; continue }
                        latencies.append(DispatchTime.now().uptimeNanoseconds - begin)
                    } catch {
                        errors += 1
                    }
                }
            } catch {
                errors += 1
            }
            results.store(index: index, latencies: latencies, errors: errors)
            }
            thread.start()
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return LatencySummary(latenciesNanoseconds: results.allLatencies, errors: results.errorCount, seconds: elapsed)
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
