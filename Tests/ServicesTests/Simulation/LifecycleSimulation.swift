import PaygateCore
import StorageMemory

/// A deterministic simulation of many payments and a misbehaving channel. Each step picks a
/// payment and something that happens to it: a prepay outcome, the payer paying (sometimes the
/// wrong amount or currency, sometimes after the order was closed), a callback delivered
/// (duplicated, reordered), a query, a merchant close, an expiry, a close answer. Events for
/// paygate go to the in-memory twin of the stores, which decides with `PaymentLifecycle` and
/// writes as MariaDB's store does; then the invariants are checked on what it holds.
struct LifecycleSimulation {
    /// How far the clock moves per step, at most.
    static let stepSecondsMax = 20
    static let expireSecondsRange: ClosedRange<Int64> = 60...900

    let seed: UInt64
    let traceEnabled: Bool
    let clock = ManualClock()
    let store: MemoryStore
    private var random: SplitMix64
    private(set) var payments: [SimulatedPayment] = []
    private var transactionCounter = 0

    init(seed: UInt64, paymentCount: Int, traceEnabled: Bool = false) {
        self.seed = seed
        self.traceEnabled = traceEnabled
        self.random = SplitMix64(seed: seed)
        store = MemoryStore(clock: clock)
        let currencies = Currency.allCases
        for index in 0..<paymentCount {
            let amount = Money(minorUnits: Int64(1 + random.below(100_000)), currency: currencies[random.below(currencies.count)])
            let now = clock.now()
            let expiresAt = now.adding(
                seconds: Self.expireSecondsRange.lowerBound + Int64(random.below(Int(Self.expireSecondsRange.count))))
            let payment = Payment(
                id: PaymentId(
                    millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: random.below(store.slotCount), random: random.next()),
                merchantId: "m_sim", merchantOrderNo: "order-\(index)", amount: amount, channel: .alipay, status: .created,
                refundedAmount: Money(minorUnits: 0, currency: amount.currency), subject: "simulated", notifyURL: "https://m.test/hook",
                metadataJSON: "{}", payerJSON: nil, channelPayloadJSON: "{}", channelTransactionId: nil, failureCode: nil, version: 1,
                createdAt: now, paidAt: nil, expiresAt: expiresAt)
            guard case .created = try? store.create(payment, checkAfter: expiresAt, nonce: nil, stepReason: nil, requestId: "") else {
                preconditionFailure("the twin refused a new simulated payment")
            }
            payments.append(SimulatedPayment(id: payment.id, orderAmount: amount))
        }
    }

    /// Runs `stepCount` steps; returns the first broken invariant, naming the seed and step.
    mutating func run(stepCount: Int) -> String? {
        for step in 0..<stepCount {
            clock.advance(seconds: Int64(random.below(Self.stepSecondsMax + 1)))
            let index = random.below(payments.count)
            guard let event = nextEvent(for: index) else { continue }
            if traceEnabled { print("seed \(seed) step \(step) payment \(index) [\(status(index).rawValue)]: \(event)") }
            if let broken = deliver(event, to: index) {
                return
                    "seed \(seed) step \(step) payment \(index) event \(event): \(broken) (replay: PAYGATE_SIM_SEED=\(seed) PAYGATE_SIM_TRACE=1)"
            }
        }
        return nil
    }

    func status(_ index: Int) -> PaymentStatus { store.payment(payments[index].id)!.status }

    /// Plays the channel's or the payer's side; returns an event for paygate, or nil when the
    /// step only changed the channel's side.
    private mutating func nextEvent(for index: Int) -> LifecycleEvent? {
        switch random.below(100) {
        case 0..<8:
            switch random.below(3) {
            case 0: return .prepayAccepted(ChannelPayload(payURL: "https://sandbox/pay"))
            case 1: return .prepayRejected(failureCode: "ORDER_REFUSED")
            default: return .prepayUnknown
            }
        case 8..<20:
            payerPays(index)
            return nil
        case 20..<24:
            payments[index].pendingCallbacks.append(.channelReportedFailed(failureCode: "PAYER_DECLINED", from: .callback))
            return nil
        case 24..<52:
            return deliverCallback(index)
        case 52..<64:
            return queryAnswer(index)
        case 64..<70:
            return .closeRequested(by: .merchant)
        case 70..<82:
            return .closeRequested(by: .expiry)
        case 82..<94:
            return closeAnswer(index)
        default:
            // A channel that closes the order by itself (its own expiry) and says so in a callback.
            guard payments[index].channelPayments.isEmpty else { return nil }
            payments[index].channelClosed = true
            return .channelConfirmedClosed(from: .callback)
        }
    }

    /// The payer pays at the channel. A well-behaved channel refuses payment for a closed order;
    /// this one sometimes takes it anyway (a late payment), and sometimes the wrong amount.
    private mutating func payerPays(_ index: Int) {
        if payments[index].channelClosed, !random.chance(30) { return }
        let order = payments[index].orderAmount
        var amount = order
        switch random.below(10) {
        case 0: amount = Money(minorUnits: order.minorUnits + 1, currency: order.currency)
        case 1: amount = Money(minorUnits: order.minorUnits, currency: order.currency == .cny ? .usd : .cny)
        default: break
        }
        transactionCounter += 1
        let paid = ChannelPaid(transactionId: "t\(transactionCounter)", amount: amount, paidAt: clock.now())
        payments[index].channelPayments.append(paid)
        payments[index].pendingCallbacks.append(.channelReportedPaid(paid, from: .callback))
    }

    /// Delivers a random pending callback (so out of order), and leaves it pending some of the
    /// time (so it is delivered again: a duplicate, as when our acknowledgement was lost).
    private mutating func deliverCallback(_ index: Int) -> LifecycleEvent? {
        guard !payments[index].pendingCallbacks.isEmpty else { return nil }
        let position = random.below(payments[index].pendingCallbacks.count)
        let callback = payments[index].pendingCallbacks[position]
        if random.chance(60) { payments[index].pendingCallbacks.remove(at: position) }
        return callback
    }

    private mutating func queryAnswer(_ index: Int) -> LifecycleEvent {
        let taken = payments[index].channelPayments
        if !taken.isEmpty { return .channelReportedPaid(taken[random.below(taken.count)], from: .query) }
        if payments[index].channelClosed { return .channelConfirmedClosed(from: .query) }
        return random.chance(50) ? .channelReportedNotPaid : .channelReportedNotFound
    }

    /// The answer to a close call paygate asked for: closed, or "already paid" with or without
    /// the payment's details.
    private mutating func closeAnswer(_ index: Int) -> LifecycleEvent? {
        guard payments[index].pendingCloseCalls > 0 else { return nil }
        payments[index].pendingCloseCalls -= 1
        let taken = payments[index].channelPayments
        if taken.isEmpty {
            payments[index].channelClosed = true
            return .channelConfirmedClosed(from: .close)
        }
        return random.chance(50) ? .channelReportedPaidOnClose(nil) : .channelReportedPaidOnClose(taken[random.below(taken.count)])
    }

    /// The store decides and writes; the decision is checked against the state machine and the
    /// channel actions are played; then the invariants are checked on what the store holds.
    private mutating func deliver(_ event: LifecycleEvent, to index: Int) -> String? {
        let id = payments[index].id
        let before = store.payment(id)!
        let applied: AppliedPaymentDecision
        do {
            guard
                let result = try store.apply(
                    event, to: id, merchantId: nil, channel: nil, nonce: nil, checkAfter: nil, reason: "simulation", requestId: "")
            else {
                return "the store lost the payment"
            }
            applied = result
        } catch {
            return "the store refused to apply: \(error)"
        }
        let decision = applied.decision
        if let broken = Self.checkWrite(decision, from: before.status) { return broken }
        // Channel actions: a close call waits for its answer; a query answer reads the channel's
        // side of this payment. A late payment's refund is the store's (a refund row).
        for action in decision.channelActions {
            switch action {
            case .closeAtChannel: payments[index].pendingCloseCalls += 1
            case .queryPayment: payments[index].pendingCallbacks.append(queryAnswer(index))
            case .refundLatePayment: break
            }
        }
        if let paid = Self.paidReport(in: event), paid.amount == payments[index].orderAmount {
            payments[index].reportedRightPayments.insert(paid.transactionId)
        }
        return checkInvariants(before: before, index: index, event: event, decision: decision)
    }

    static func paidReport(in event: LifecycleEvent) -> ChannelPaid? {
        switch event {
        case .channelReportedPaid(let paid, _): paid
        case .channelReportedPaidOnClose(let paid): paid
        default: nil
        }
    }
}
