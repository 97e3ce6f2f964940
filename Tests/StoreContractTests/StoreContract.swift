import Foundation
import PaygateCore
import PaygateCrypto
import XCTest

/// One implementation of the store ports under test, and the clock the flows would give it.
struct StoresUnderTest {
    var payments: any PaymentStoring
    var refunds: any RefundStoring
    var recon: any ReconStoring
    var clock: any Clock
}

/// The promises of `PaymentStoring` and `RefundStoring`, written once and run against every store
/// that keeps them: MariaDB's (`MariaDBStoreContractTests`, the reference) and the in-memory twin
/// (`MemoryStoreContractTests`). A test speaks only through the ports (what a call returns and
/// what later reads return), never through one store's tables, so both can answer it.
///
/// MariaDB's stores read the wall clock (`Timestamp.now()`) where the twin reads its clock, so
/// every variant is made with the system clock, and times a test controls (claims, schedules,
/// expiry) are given explicitly, far enough from now that the moment of the run does not matter.
///
/// Every test works for a merchant of its own (`fresh merchant ids`), so rows of other tests, or
/// of anything else that shares the MariaDB servers, never answer its reads. Claims are the one
/// read that is not per merchant: a claim helper collects everything due and keeps the test's own.
struct StoreContract {
    let make: () throws -> StoresUnderTest

    /// Far enough ahead that nothing else running against the same shards (the timeout worker,
    /// which claims with the wall clock) is ever due at these times.
    static let farAheadSeconds: Int64 = 400 * 24 * 3600

    static func cny(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: .cny) }

    /// A merchant id no earlier run used (the directory's column takes 40 characters).
    static func freshMerchantId() -> String {
        "mst_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
    }

    static func nonce(_ merchantId: String) -> RequestNonce {
        let unique = UUID().uuidString
        return RequestNonce(merchantId: merchantId, nonce: unique, signature: "sig-" + unique)
    }
}

/// One test's view: its stores, its merchant, and ways to make payments and refunds through the
/// ports as the flows do.
struct ContractScene {
    let stores: StoresUnderTest
    let merchantId = StoreContract.freshMerchantId()

    init(_ contract: StoreContract) throws { stores = try contract.make() }

    var payments: any PaymentStoring { stores.payments }
    var refunds: any RefundStoring { stores.refunds }
    var now: Timestamp { stores.clock.now() }

    /// A payment as `CreatePayment` builds it: its id carries the slot of (merchant, order no), so
    /// a lookup by order number finds it on the same shard.
    func newPayment(
        order: String, amount: Int64 = 10_000, channel: Channel = .alipay, status: PaymentStatus = .created,
        createdAt: Timestamp? = nil, expiresAt: Timestamp? = nil, merchantId: String? = nil
    ) throws -> Payment {
        let merchant = merchantId ?? self.merchantId
        let created = createdAt ?? now
        let slot = SlotRouter.paymentSlot(merchantId: merchant, merchantOrderNo: order, slotCount: payments.slotCount)
        return Payment(
            id: PaymentId(millisecondsSinceEpoch: created.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
            merchantId: merchant, merchantOrderNo: order, amount: StoreContract.cny(amount), channel: channel, status: status,
            refundedAmount: StoreContract.cny(0), subject: "Tea", notifyURL: "https://merchant.test/hook",
            metadataJSON: #"{"table":"7"}"#, payerJSON: nil, channelPayloadJSON: "{}", channelTransactionId: nil,
            failureCode: nil, version: 1, createdAt: created, paidAt: nil, expiresAt: expiresAt ?? created.adding(seconds: 900))
    }

    /// An order number of this merchant whose payment lands in the slot of `payment` (so on its
    /// shard): nonces are kept per shard, so a replay is only ever seen on the same one.
    func order(_ prefix: String, inSlotOf payment: Payment) -> String {
        for index in 0... {
            let order = "\(prefix)-\(index)"
            if SlotRouter.paymentSlot(merchantId: merchantId, merchantOrderNo: order, slotCount: payments.slotCount) == payment.id.slot {
                return order
            }
        }
        preconditionFailure("unreachable: the loop ends when a slot matches")
    }

    /// When the worker should first look at a new payment in these tests: never, as far as
    /// anything claiming with the wall clock is concerned.
    var checkFarAhead: Timestamp { now.adding(seconds: StoreContract.farAheadSeconds) }

    /// Inserts `payment` and returns it as created.
    @discardableResult
    func insert(_ payment: Payment, checkAfter: Timestamp? = nil, nonce: RequestNonce? = nil) throws -> Payment {
        let outcome = try payments.create(
            payment, checkAfter: checkAfter ?? checkFarAhead, nonce: nonce,
            stepReason: payment.status == .created ? nil : "prepay", requestId: "r-create")
        guard case .created(let created) = outcome else {
            XCTFail("create answered \(outcome), not created")
            return payment
        }
        return created
    }

    func created(order: String, amount: Int64 = 10_000) throws -> Payment {
        try insert(try newPayment(order: order, amount: amount))
    }

    func paid(
        _ payment: Payment, transaction: String, amount: Money? = nil, from source: ReportSource = .callback
    ) throws
        -> AppliedPaymentDecision?
    {
        let report = ChannelPaid(transactionId: transaction, amount: amount ?? payment.amount, paidAt: now)
        return try payments.apply(
            .channelReportedPaid(report, from: source), to: payment.id, merchantId: nil, channel: payment.channel, nonce: nil,
            checkAfter: nil, reason: "callback", requestId: "r-paid")
    }

    /// A payment the channel reported paid (created, processing, succeeded).
    func succeeded(order: String, amount: Int64 = 10_000) throws -> Payment {
        let payment = try created(order: order, amount: amount)
        let applied = try XCTUnwrap(try paid(payment, transaction: "T-" + order))
        XCTAssertEqual(applied.payment.status, .succeeded)
        return applied.payment
    }

    /// A payment closed by its expiry: created with `expires_at` an hour ago, then the expiry's
    /// close (no channel call for a `created` one) with its `payment.closed` event.
    func closedByExpiry(order: String) throws -> Payment {
        let createdAt = now.adding(seconds: -7200)
        let payment = try insert(try newPayment(order: order, createdAt: createdAt, expiresAt: createdAt.adding(seconds: 3600)))
        let applied = try XCTUnwrap(
            try payments.apply(
                .closeRequested(by: .expiry), to: payment.id, merchantId: nil, channel: nil, nonce: nil, checkAfter: nil,
                reason: "expired", requestId: "r-expire"))
        XCTAssertEqual(applied.payment.status, .closed)
        XCTAssertEqual(applied.decision.merchantEvents, [.paymentClosed])
        return applied.payment
    }

    func refundRequest(_ payment: Payment, number: String, amount: String, reason: String? = nil) throws -> CreateRefundRequest {
        var body = #"{"payment_id":"\#(payment.id.text)","merchant_refund_no":"\#(number)","amount":"\#(amount)""#
        if let reason { body += #","reason":"\#(reason)""# }
        return try CreateRefundRequest(body: Array((body + "}").utf8))
    }

    /// A new refund (`processing`), its next check moved far ahead so that nothing claiming with
    /// the wall clock (the timeout worker) asks the channel about it while the test runs.
    func refund(_ payment: Payment, number: String, amount: String) throws -> Refund {
        let outcome = try refunds.create(
            try refundRequest(payment, number: number, amount: amount), merchantId: merchantId, nonce: nil, requestId: "r-refund")
        guard case .created(let refund, _) = outcome else {
            XCTFail("refund create answered \(outcome), not created")
            throw ContractFailure()
        }
        try refunds.scheduleCheck(refund.id, at: checkFarAhead)
        return refund
    }

    func listQuery(limit: Int = 10) throws -> ListPaymentsQuery {
        try ListPaymentsQuery(query: "limit=\(limit)")
    }

    /// Every due payment of every shard at `now`, one claim after another until a claim comes back
    /// empty (claimed rows are leased, so the loop ends): the ids of this test's merchant, in the
    /// order claimed, with how many times each was claimed. Rows of other merchants that happen to
    /// be due are claimed too and left leased; only this merchant's are reported.
    func claimAll(now: Timestamp, batchSizeMax: Int = 25, leaseSeconds: Int64 = 60) throws -> [PaymentId] {
        var mine: [PaymentId] = []
        for shard in 0..<payments.shardCount {
            while true {
                let claim = try payments.claimDue(
                    shard: shard, request: PaymentClaimRequest(batchSizeMax: batchSizeMax, leaseSeconds: leaseSeconds), now: now)
                XCTAssertEqual(claim.shard, shard)
                XCTAssertEqual(claim.leaseEnd, now.adding(seconds: leaseSeconds))
                XCTAssertLessThanOrEqual(claim.payments.count, batchSizeMax)
                if claim.payments.isEmpty { break }
                mine += claim.payments.filter { $0.merchantId == merchantId }.map(\.id)
            }
        }
        return mine
    }

    /// The shard that holds `slot`, learnt through the ports (they name shards only in claims): a
    /// probe payment in that slot, due at `due`, is claimed on one shard.
    func shard(ofSlot slot: Int, due: Timestamp) throws -> Int {
        var probe = try newPayment(order: "probe-\(slot)")
        probe.id = PaymentId(millisecondsSinceEpoch: probe.createdAt.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64())
        try insert(probe, checkAfter: due)
        var shards: [Int] = []
        for shard in 0..<payments.shardCount {
            while true {
                let claim = try payments.claimDue(shard: shard, request: PaymentClaimRequest(batchSizeMax: 25, leaseSeconds: 60), now: due)
                if claim.payments.isEmpty { break }
                if claim.payments.contains(where: { $0.id == probe.id }) { shards.append(shard) }
            }
        }
        guard shards.count == 1 else {
            XCTFail("the probe of slot \(slot) was claimed on shards \(shards)")
            throw ContractFailure()
        }
        return shards[0]
    }

    /// Every due refund of every shard at `now` (as `claimAll`), this merchant's only.
    func claimRefunds(now: Timestamp, leaseSeconds: Int64 = 60) throws -> [RefundId] {
        var mine: [RefundId] = []
        for shard in 0..<payments.shardCount {
            while true {
                let batch = try refunds.claimDue(shard: shard, now: now, leaseSeconds: leaseSeconds, limit: 5)
                if batch.isEmpty { break }
                XCTAssertTrue(batch.allSatisfy { $0.status == .processing })
                mine += batch.filter { $0.merchantId == merchantId }.map(\.id)
            }
        }
        return mine
    }
}

/// A test's own precondition did not hold (already reported with XCTFail).
struct ContractFailure: Error {}
