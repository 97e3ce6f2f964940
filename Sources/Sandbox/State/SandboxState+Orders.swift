import PaygateCore

/// Order and refund transitions. Each runs under the lock as one step, so two threads paying,
/// closing or refunding one order see one order of events.
extension SandboxState {
    public enum CreateOutcome: Sendable, Equatable {
        case created(SandboxOrder)
        /// The same prepay again: the same order (and pay URL) is answered.
        case repeated(SandboxOrder)
        /// The number is taken by a different order.
        case conflict(SandboxOrder)
        case full
    }

    public enum CloseOutcome: Sendable, Equatable {
        case closed(SandboxOrder)
        case alreadyPaid(SandboxOrder)
        case notFound
    }

    public enum PayOutcome: Sendable, Equatable {
        case paid(SandboxOrder)
        case failed(SandboxOrder)
        /// Paid, failed, closed or past its expiry: the payer cannot pay it.
        case notPayable(SandboxOrder)
        case notFound
    }

    public enum RefundOutcome: Sendable, Equatable {
        case created(SandboxRefund, SandboxOrder)
        case repeated(SandboxRefund, SandboxOrder)
        case orderNotFound
        case orderNotPaid(SandboxOrder)
        case exceedsPaidAmount(SandboxOrder)
        /// The refund number is taken by a different refund.
        case conflict(SandboxRefund)
        case full
    }

    func create(_ order: SandboxOrder) -> CreateOutcome {
        storage.withLock { storage in
            let key = RecordKey(channel: order.channel, number: order.outTradeNo)
            if let existing = storage.orders[key] {
                return existing.isSamePrepay(as: order) ? .repeated(existing) : .conflict(existing)
            }
            guard storage.orders.count < Self.ordersMax else { return .full }
            storage.orders[key] = order
            storage.ordersByToken[order.token] = key
            storage.ordersByTransaction[RecordKey(channel: order.channel, number: order.channelTransactionId)] = key
            return .created(order)
        }
    }

    /// The order as of `now`: an unpaid order past its expiry is closed.
    public func order(channel: Channel, outTradeNo: String, now: Timestamp) -> SandboxOrder? {
        storage.withLock { Self.current(&$0, RecordKey(channel: channel, number: outTradeNo), now: now) }
    }

    public func order(token: String, now: Timestamp) -> SandboxOrder? {
        storage.withLock { storage in
            guard let key = storage.ordersByToken[token] else { return nil }
            return Self.current(&storage, key, now: now)
        }
    }

    func order(channel: Channel, transactionId: String, now: Timestamp) -> SandboxOrder? {
        storage.withLock { storage in
            guard let key = storage.ordersByTransaction[RecordKey(channel: channel, number: transactionId)] else { return nil }
            return Self.current(&storage, key, now: now)
        }
    }

    public func refund(channel: Channel, refundId: String) -> SandboxRefund? {
        storage.withLock { $0.refunds[RecordKey(channel: channel, number: refundId)] }
    }

    func close(channel: Channel, outTradeNo: String, now: Timestamp) -> CloseOutcome {
        storage.withLock { storage in
            let key = RecordKey(channel: channel, number: outTradeNo)
            guard var order = Self.current(&storage, key, now: now) else { return .notFound }
            if order.status == .paid { return .alreadyPaid(order) }
            order.status = .closed
            storage.orders[key] = order
            return .closed(order)
        }
    }

    /// The payer's answer. On success the amount fault (if on) changes what was paid; the
    /// channel's callback, built by `callback` from the updated order, is queued with the
    /// callback faults in force.
    func pay(token: String, success: Bool, now: Timestamp, callback: (SandboxOrder) -> CallbackMessage?) -> PayOutcome {
        storage.withLock { storage in
            guard let key = storage.ordersByToken[token], var order = Self.current(&storage, key, now: now) else { return .notFound }
            let lateButAllowed =
                order.status == .closed && success
                && storage.faults.payClosedOrders && storage.faults.applies(to: order.channel)
            guard order.status == .awaitingPayment || lateButAllowed else { return .notPayable(order) }
            if success {
                let delta = storage.faults.applies(to: order.channel) ? storage.faults.callbackAmountDelta : 0
                order.paidAmount = Money(minorUnits: max(1, order.amount.minorUnits + delta), currency: order.amount.currency)
                order.paidAt = now
                order.status = .paid
            } else {
                order.status = .failed
                order.failureCode = "PAYER_DECLINED"
            }
            storage.orders[key] = order
            if let message = callback(order) { storage.callbacks.enqueue(message, faults: storage.faults, now: now) }
            return success ? .paid(order) : .failed(order)
        }
    }

    /// A refund of a paid order. The sandbox settles it at once: it succeeds, or fails with
    /// `failureCode` (the channel's own code) when the `refund_result` fault says so. Only a
    /// successful refund counts against what can still be refunded; a failed one is kept, so a
    /// repeat of its number and the refund query tell the same failure. `callback` builds the
    /// channel's refund callback (if the channel sends one for this outcome).
    func refund(
        channel: Channel, order orderKey: RecordKey, refundId: String, amount: Money, notifyURL: String, orderTime: String,
        channelRefundId: String, failureCode: String, now: Timestamp, callback: (SandboxRefund, SandboxOrder) -> CallbackMessage?
    ) -> RefundOutcome {
        storage.withLock { storage in
            guard var order = Self.current(&storage, orderKey, now: now) else { return .orderNotFound }
            let refundKey = RecordKey(channel: channel, number: refundId)
            if let existing = storage.refunds[refundKey] {
                return existing.outTradeNo == order.outTradeNo && existing.amount == amount
                    ? .repeated(existing, order) : .conflict(existing)
            }
            guard order.status == .paid, let paid = order.paidAmount else { return .orderNotPaid(order) }
            guard amount.currency == paid.currency, amount.minorUnits > 0,
                order.refundedAmount.minorUnits + amount.minorUnits <= paid.minorUnits
            else { return .exceedsPaidAmount(order) }
            guard storage.refunds.count < Self.refundsMax else { return .full }
            let fails = storage.faults.refundResult == .fail && storage.faults.applies(to: channel)
            let refund = SandboxRefund(
                channel: channel, refundId: refundId, outTradeNo: order.outTradeNo, amount: amount,
                channelRefundId: channelRefundId, createdAt: now, orderTime: orderTime, notifyURL: notifyURL,
                failureCode: fails ? failureCode : nil)
            if refund.succeeded {
                order.refundedAmount = order.refundedAmount + amount
                storage.orders[orderKey] = order
            }
            storage.refunds[refundKey] = refund
            if let message = callback(refund, order) { storage.callbacks.enqueue(message, faults: storage.faults, now: now) }
            return .created(refund, order)
        }
    }

    private static func current(_ storage: inout Storage, _ key: RecordKey, now: Timestamp) -> SandboxOrder? {
        guard var order = storage.orders[key] else { return nil }
        if order.status == .awaitingPayment, let expiresAt = order.expiresAt, now > expiresAt {
            order.status = .closed
            storage.orders[key] = order
        }
        return order
    }
}
