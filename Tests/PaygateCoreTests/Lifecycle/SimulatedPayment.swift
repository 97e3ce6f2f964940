@testable import PaygateCore

/// One payment in the simulation: what paygate stored (the snapshot), what it emitted and asked
/// for (the ledger the invariants read), and what the channel's side knows (the world the
/// simulation plays, including its misbehaviour).
struct SimulatedPayment {
    // paygate's side
    var snapshot: PaymentSnapshot
    let orderAmount: Money
    // Plain counters, not a dictionary: this runs millions of times in a debug build.
    var succeededEvents = 0
    var failedEvents = 0
    var closedEvents = 0
    var refundCountsByTransaction: [String: Int] = [:]
    var anomalies: [PaymentAnomaly] = []
    /// Transaction ids flagged `conflicting_transaction_id` (a second payment kept for review).
    var flaggedTransactions: Set<String> = []

    // the channel's side
    /// Every payment the channel took for this order, right amount or not, in the order taken.
    var channelPayments: [ChannelPaid] = []
    var channelClosed = false
    /// Callbacks the channel has sent; a delivery may leave one here to be delivered again.
    var pendingCallbacks: [LifecycleEvent] = []
    /// Close calls paygate asked for whose answers are not delivered yet.
    var pendingCloseCalls = 0

    /// Transactions with the order's amount and currency that paygate has been told about: each
    /// must end up recorded, refunded, or flagged as a second payment, never lost.
    var reportedRightPayments: Set<String> = []
    var refundEvents = 0

    init(snapshot: PaymentSnapshot) {
        self.snapshot = snapshot
        self.orderAmount = snapshot.amount
    }

    func count(_ type: MerchantEventType) -> Int {
        switch type {
        case .paymentSucceeded: succeededEvents
        case .paymentFailed: failedEvents
        case .paymentClosed: closedEvents
        case .refundSucceeded, .refundFailed: refundEvents
        }
    }

    mutating func recordMerchantEvent(_ type: MerchantEventType) {
        switch type {
        case .paymentSucceeded: succeededEvents += 1
        case .paymentFailed: failedEvents += 1
        case .paymentClosed: closedEvents += 1
        // The payment lifecycle never emits refund events; the invariants require zero.
        case .refundSucceeded, .refundFailed: refundEvents += 1
        }
    }

    /// The amount the channel took under `transactionId`, if it took any.
    func channelAmount(of transactionId: String) -> Money? {
        channelPayments.first { $0.transactionId == transactionId }?.amount
    }
}
