import PaygateCore

/// One payment of the simulation as the channel's side knows it (the world the simulation plays,
/// misbehaviour included). paygate's side is what the store holds: the payment, its events,
/// postings, anomalies and refunds, read back after every step.
struct SimulatedPayment {
    let id: PaymentId
    let orderAmount: Money

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

    /// The amount the channel took under `transactionId`, if it took any.
    func channelAmount(of transactionId: String) -> Money? {
        channelPayments.first { $0.transactionId == transactionId }?.amount
    }
}
