import Foundation
import PaygateCore
import PaygateCrypto

/// The in-memory twin of the stores: the same ports (`PaymentStoring`, `RefundStoring`) over
/// plain dictionaries, for unit tests of the flows and for simulations. It executes what the core
/// decides exactly as MariaDB's stores do (same decisions, same rows: history, journal, outbox,
/// anomalies, late refunds), one lock standing in for a shard's transactions; the shared store
/// tests hold both to one behaviour.
public final class MemoryStore: @unchecked Sendable {
    public let slotCount: Int
    public let shardCount: Int
    let fees: [Channel: ChannelFee]
    let clock: any Clock
    let lock = NSLock()

    // The tables, as a test reads them back.
    var payments: [PaymentId: Payment] = [:]
    var orders: [OrderKey: PaymentId] = [:]
    var checkAfter: [PaymentId: Timestamp] = [:]
    /// Per shard, as MariaDB's `request_nonces` table lives on each shard: a nonce is written on
    /// the shard of the request's effect, and a shard knows only its own.
    var nonces: Set<ShardNonce> = []
    public private(set) var history: [StatusStep] = []
    // Rows of one payment together (a payment's shard keeps them by payment_id too): a read of one
    // payment's rows costs what it holds, however many payments a simulation makes.
    var journalByPayment: [PaymentId: [LedgerEntry]] = [:]
    var eventsByPayment: [PaymentId: [OutboxEvent]] = [:]
    var anomaliesByPayment: [PaymentId: [AnomalyRow]] = [:]
    var refundsByPayment: [PaymentId: [RefundId]] = [:]
    var refunds: [RefundId: Refund] = [:]
    var refundCheckAfter: [RefundId: Timestamp] = [:]
    public internal(set) var refundHistory: [RefundStep] = []
    // Reconciliation: `recon_items` by their key, `recon_runs` by channel and day.
    var reconItems: [ReconItemKeyText: ReconItem] = [:]
    var reconRuns: [String: ReconRunSummary] = [:]
    // Risk: the records of blocked creates, in order.
    public internal(set) var riskBlocks: [RiskBlock] = []

    public init(slotCount: Int = 1024, shardCount: Int = 4, fees: [Channel: ChannelFee] = [:], clock: any Clock) {
        precondition(slotCount >= shardCount && shardCount >= 1, "a twin needs at least one slot per shard")
        self.slotCount = slotCount
        self.shardCount = shardCount
        self.fees = fees
        self.clock = clock
    }

    struct ShardNonce: Hashable {
        var shard: Int
        var nonce: RequestNonce
    }

    struct OrderKey: Hashable {
        var merchantId: String
        var merchantOrderNo: String
    }

    public struct StatusStep: Sendable, Equatable {
        public var paymentId: PaymentId
        public var from: PaymentStatus?
        public var to: PaymentStatus
        public var reason: String
    }

    public struct RefundStep: Sendable, Equatable {
        public var refundId: RefundId
        public var from: RefundStatus?
        public var to: RefundStatus
        public var reason: String
    }

    public struct OutboxEvent: Sendable, Equatable {
        public var type: MerchantEventType
        public var paymentId: PaymentId
        public var refundId: RefundId?
    }

    /// A `payment_anomalies` row.
    public struct AnomalyRow: Sendable, Equatable {
        public var paymentId: PaymentId
        public var kind: String
        public var transactionId: String
    }

    func shard(ofSlot slot: Int) -> Int { slot * shardCount / slotCount }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Whether the nonce was already accepted on the shard of `slot`. MariaDB's stores insert the
    /// nonce first in their transaction, so a used one refuses the request before anything else
    /// is looked at (a payment that is not there, a refund that would be refused): every method
    /// asks this first, and inserts with `insertNonce` only once nothing can refuse any more (a
    /// refusal rolls MariaDB's insert back).
    func isUsed(_ nonce: RequestNonce?, slot: Int) -> Bool {
        guard let nonce else { return false }
        return nonces.contains(ShardNonce(shard: shard(ofSlot: slot), nonce: nonce))
    }

    /// Inserts the nonce, or throws `NonceReused`.
    func insertNonce(_ nonce: RequestNonce?, slot: Int) throws {
        guard let nonce else { return }
        guard nonces.insert(ShardNonce(shard: shard(ofSlot: slot), nonce: nonce)).inserted else { throw NonceReused() }
    }

    func appendHistory(_ id: PaymentId, from: PaymentStatus?, to: PaymentStatus, reason: String) {
        history.append(StatusStep(paymentId: id, from: from, to: to, reason: reason))
    }

    func post(_ entries: [LedgerEntry]) {
        for entry in entries { journalByPayment[entry.paymentId, default: []].append(entry) }
    }

    func emit(_ event: OutboxEvent) {
        eventsByPayment[event.paymentId, default: []].append(event)
    }

    /// As the table's unique key (payment, kind, transaction): a repeat is ignored.
    func record(_ row: AnomalyRow) {
        if anomaliesByPayment[row.paymentId]?.contains(row) != true { anomaliesByPayment[row.paymentId, default: []].append(row) }
    }

    func insert(_ refund: Refund, checkAfter: Timestamp) {
        refunds[refund.id] = refund
        refundsByPayment[refund.paymentId, default: []].append(refund.id)
        refundCheckAfter[refund.id] = checkAfter
    }

    func appendRefundHistory(_ id: RefundId, from: RefundStatus?, to: RefundStatus, reason: String) {
        refundHistory.append(RefundStep(refundId: id, from: from, to: to, reason: reason))
    }

    // What a test reads.
    public func payment(_ id: PaymentId) -> Payment? { locked { payments[id] } }
    public func refund(_ id: RefundId) -> Refund? { locked { refunds[id] } }
    public func nextCheck(_ id: PaymentId) -> Timestamp? { locked { checkAfter[id] } }
    public var paymentCount: Int { locked { payments.count } }
    public var nonceCount: Int { locked { nonces.count } }
    public func refunds(of payment: PaymentId) -> [Refund] { locked { (refundsByPayment[payment] ?? []).compactMap { refunds[$0] } } }
}
