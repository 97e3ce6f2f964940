/// The payments of every shard as the flows (the `Services` module) see them. Two stores keep
/// this promise: MariaDB's (`Storage.PaymentStore`) and the in-memory twin (`StorageMemory`), and
/// one shared set of tests holds both to it. Every method is one transaction; a store decides
/// nothing itself: it asks the core (`PaymentLifecycle`, `PaymentStateMachine`, `LedgerRules`)
/// under the row's lock and writes what they return.
public protocol PaymentStoring: RiskDecisionStoring {
    /// Virtual slots (ids carry theirs; a slot at or past this count names no payment).
    var slotCount: Int { get }
    var shardCount: Int { get }
    func shardName(_ shard: Int) -> String

    /// Inserts a new payment (`created`, or `processing` after an accepted prepay, `stepReason`
    /// naming that step) with its history and the request's nonce. Throws `PaymentIdCollision`
    /// when the random id is taken.
    func create(
        _ payment: Payment, checkAfter: Timestamp, nonce: RequestNonce?, stepReason: String?, requestId: String
    ) throws
        -> PaymentCreateOutcome

    /// Decides `event` against the stored payment (locked) and writes the decision: steps with
    /// their history, the success posting, merchant events, anomalies, and a late payment's refund
    /// (an ordinary refund row, with its posting). Nil: no such payment (for that merchant, or on that channel). Throws
    /// `NonceReused` when `nonce` was already accepted.
    func apply(
        _ event: LifecycleEvent, to id: PaymentId, merchantId: String?, channel: Channel?, nonce: RequestNonce?,
        checkAfter: Timestamp?, reason: String, requestId: String
    ) throws -> AppliedPaymentDecision?

    /// `apply` for a decision that depends on nothing but the snapshot given (a status change with
    /// its history, guarded by the snapshot's version); anything else falls back to `apply`.
    func applyOnSnapshot(
        _ event: LifecycleEvent, to payment: Payment, checkAfter: Timestamp, reason: String, requestId: String
    ) throws
        -> AppliedPaymentDecision?

    /// Records a nonce alone (an answer with no other write). False when it was already used.
    func recordNonce(_ nonce: RequestNonce, slot: Int) throws -> Bool

    func find(id: PaymentId, merchantId: String) throws -> Payment?
    func find(merchantId: String, merchantOrderNo: String) throws -> Payment?
    /// By id alone (callbacks and the worker).
    func findAny(id: PaymentId) throws -> Payment?
    func list(merchantId: String, query: ListPaymentsQuery) throws -> (payments: [Payment], hasMore: Bool)

    /// The worker's claims: due open payments of one shard, held until the lease ends.
    func claimDue(shard: Int, request: PaymentClaimRequest, now: Timestamp) throws -> PaymentClaim
    func scheduleCheck(_ id: PaymentId, at next: Timestamp) throws
    func release(_ ids: [PaymentId], shard: Int, leaseEnd: Timestamp, now: Timestamp) throws
}

public enum PaymentCreateOutcome: Sendable {
    case created(Payment)
    /// The identical order already exists (API: 200 with the existing object).
    case existing(Payment)
    /// Same merchant_order_no with a different amount, currency or channel (409).
    case conflict
    case nonceReused
}

/// A lifecycle decision as it was carried out: the payment afterwards and what the caller still
/// has to do (channel actions, the answer to a callback).
public struct AppliedPaymentDecision: Sendable {
    public var payment: Payment
    public var decision: LifecycleDecision

    public init(payment: Payment, decision: LifecycleDecision) {
        self.payment = payment
        self.decision = decision
    }
}

/// What one claim of due rows (payments, events) asks for; the worker's limits fill it in.
public typealias PaymentClaimRequest = ClaimLimits

public struct ClaimLimits: Sendable {
    /// At most this many rows per claim.
    public var batchSizeMax: Int
    /// Claimed rows are not due again (for anyone) before this many seconds.
    public var leaseSeconds: Int64

    public init(batchSizeMax: Int, leaseSeconds: Int64) {
        precondition(batchSizeMax >= 1 && leaseSeconds >= 1, "claim limits out of range")
        self.batchSizeMax = batchSizeMax
        self.leaseSeconds = leaseSeconds
    }
}

/// Payments one worker holds on one shard until `leaseEnd`, as they were when claimed.
public struct PaymentClaim: Sendable {
    public var shard: Int
    public var payments: [Payment]
    /// The `check_after` written for every claimed row: ours while it has not passed.
    public var leaseEnd: Timestamp

    public init(shard: Int, payments: [Payment], leaseEnd: Timestamp) {
        self.shard = shard
        self.payments = payments
        self.leaseEnd = leaseEnd
    }
}

/// The anti-replay record of an accepted POST (docs/API.md section 2), written in the same
/// transaction as the request's effect.
public struct RequestNonce: Sendable, Hashable {
    public var merchantId: String
    public var nonce: String
    public var signature: String

    public init(merchantId: String, nonce: String, signature: String) {
        self.merchantId = merchantId
        self.nonce = nonce
        self.signature = signature
    }
}

/// The request's nonce was already accepted: nothing was written.
public struct NonceReused: Error {
    public init() {}
}

/// The random part of a new payment id was already taken (64 random bits: practically never).
/// The caller makes a new id and tries again.
public struct PaymentIdCollision: Error {
    public init() {}
}
