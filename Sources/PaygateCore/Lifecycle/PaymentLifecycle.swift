/// The payment lifecycle as a pure reducer: given a payment as stored and one event (a prepay
/// outcome, a channel report, a close request), `decide` returns what to write, which merchant
/// events to emit, which anomalies to record, which channel calls to make and how to answer. It
/// reads no clock and does no I/O; every status change it asks for is checked step by step by
/// `PaymentStateMachine`, which stays the single authority on transitions.
///
/// The table (`-` means no write; "ack" applies to callbacks, a query or close answer gets none):
///
///     event                         created            processing         paid (*)              closed / failed
///     prepayAccepted                -> processing      -                  -                     closeAtChannel (stray order)
///     prepayRejected                -> failed          -                  -                     -
///     prepayUnknown                 -                  -                  -                     -
///     reportedPaid (right amount)   -> processing      -> succeeded       same txn: duplicate;  late payment: refund once,
///                                      -> succeeded                       other txn: anomaly    anomaly, ack
///     reportedPaid (wrong amount    anomaly, refuse    anomaly, refuse    anomaly, refuse       anomaly, refuse
///       or currency)
///     reportedFailed                -> failed          -> failed          anomaly, ack          - , ack
///     reportedNotPaid / NotFound    -                  -                  -                     -
///     confirmedClosed               -> closed          -> closed          anomaly, ack          - , ack
///     reportedPaidOnClose(details)  as reportedPaid    as reportedPaid    as reportedPaid       as reportedPaid
///     reportedPaidOnClose(nil)      queryPayment       queryPayment       -                     queryPayment
///     cannotClose                   -> closed          -> closed          -                     -
///     closeRequested(merchant)      closeAtChannel     closeAtChannel     invalid_state         closed: -, failed: invalid_state
///     closeRequested(expiry)        -> closed          closeAtChannel     -                     -
///     (*) succeeded, partially_refunded, refunded
///
/// A payment reaching `succeeded`, `failed` or `closed` emits `payment.succeeded`, `payment.failed`
/// or `payment.closed` with that write and never otherwise, so each is emitted exactly once: the
/// write is a compare-and-set and a repeat of the event finds the payment already there.
///
/// **Money taken for an order we closed or failed.** docs/API.md section 5 has no
/// `closed -> succeeded` or `failed -> succeeded`, and the merchant has already been told
/// `payment.closed` / `payment.failed` and will not deliver the goods. So the payment keeps its
/// status, the report is recorded as a `paid_after_close` / `paid_after_failure` anomaly and the
/// decision asks the channel to refund the whole amount it took (`refundLatePayment`), and the
/// callback is acknowledged so the channel stops retrying: the money goes back to the payer rather
/// than being lost or silently kept. The anomaly row, keyed by the channel transaction id, is what
/// `PaymentSnapshot.lateRefundTransactionIds` is loaded from, so a duplicate of the same late
/// callback (or a query that finds the same payment) refunds nothing a second time, while a second,
/// different late payment is refunded too.
///
/// **Expiry of a `created` payment.** A payment is still `created` only when its prepay never got a
/// definite answer, so no payer ever received a pay_url. If a timed-out prepay did create an order
/// at the channel, that order carries the same expiry time (sent with the prepay) and stops
/// accepting payment at `expires_at`. So at expiry a `created` payment is closed here without a
/// channel call. A `processing` payment has a pay_url in a payer's hands: it is closed at the
/// channel first, whose answer (closed, or already paid) then decides. Should money still arrive
/// for an order closed this way, it is a late payment and is refunded as above. A merchant's close
/// of a `created` payment happens before `expires_at`, while such a stray channel order could still
/// be paid, so it goes to the channel first like `processing`.
///
/// A report whose amount or currency differs from the order never makes it `succeeded`: it is an
/// anomaly, and a callback carrying it is refused (the payment is left as it is for review).
public enum PaymentLifecycle {
    public static func decide(_ payment: PaymentSnapshot, _ event: LifecycleEvent, now: Timestamp) -> LifecycleDecision {
        switch event {
        case .prepayAccepted(let payload):
            return prepayAccepted(payment, payload: payload)
        case .prepayRejected(let failureCode):
            return prepayRejected(payment, failureCode: failureCode)
        case .prepayUnknown:
            return .nothing(.none, "prepay outcome unknown; the identical repeat retries it")
        case .channelReportedPaid(let paid, let source):
            return reportedPaid(payment, paid, from: source)
        case .channelReportedFailed(let failureCode, let source):
            return reportedFailed(payment, failureCode: failureCode, from: source)
        case .channelReportedNotPaid:
            return .nothing(.none, "not paid yet at the channel")
        case .channelReportedNotFound:
            return .nothing(.none, "no such order at the channel")
        case .channelConfirmedClosed(let source):
            return confirmedClosed(payment, from: source)
        case .channelReportedPaidOnClose(let paid):
            if let paid { return reportedPaid(payment, paid, from: .close) }
            if payment.status.isPaid { return .nothing(.none, "close refused as paid; already recorded paid") }
            return LifecycleDecision(channelActions: [.queryPayment], answer: .none, reason: "close refused as paid; query for the payment")
        case .channelCannotClose:
            return cannotClose(payment)
        case .closeRequested(let requester):
            return closeRequested(payment, by: requester, now: now)
        }
    }

    private static func prepayAccepted(_ payment: PaymentSnapshot, payload: ChannelPayload) -> LifecycleDecision {
        switch payment.status {
        case .created:
            let write = transition(payment, through: [.processing], channelPayload: payload)
            return LifecycleDecision(write: write, answer: .none, reason: "prepay accepted")
        case .closed, .failed:
            // The order was closed (or failed) while this prepay was in flight: the channel now
            // holds a payable order nobody should pay. Close it there; a payment that still slips
            // through is a late payment and is refunded.
            return LifecycleDecision(
                channelActions: [.closeAtChannel], answer: .none, reason: "prepay accepted for a final order; close the stray channel order"
            )
        case .processing, .succeeded, .partiallyRefunded, .refunded:
            return .nothing(.none, "prepay already accepted")
        }
    }

    private static func prepayRejected(_ payment: PaymentSnapshot, failureCode: String) -> LifecycleDecision {
        guard payment.status == .created else { return .nothing(.none, "prepay outcome after the payment moved on") }
        let write = transition(payment, through: [.failed], failureCode: failureCode)
        return LifecycleDecision(write: write, merchantEvents: [.paymentFailed], answer: .none, reason: "prepay rejected")
    }

    private static func closeRequested(_ payment: PaymentSnapshot, by requester: CloseRequester, now: Timestamp) -> LifecycleDecision {
        switch (requester, payment.status) {
        case (.expiry, _) where now < payment.expiresAt:
            return .nothing(.none, "not expired yet")
        case (.expiry, .created):
            let write = transition(payment, through: [.closed])
            return LifecycleDecision(
                write: write, merchantEvents: [.paymentClosed], answer: .none,
                reason: "expired before any prepay succeeded; closed without a channel call")
        case (_, .created), (_, .processing):
            return LifecycleDecision(channelActions: [.closeAtChannel], answer: .none, reason: "close at the channel first")
        case (_, .closed):
            return .nothing(.none, "already closed")
        case (.merchant, .failed), (.merchant, .succeeded), (.merchant, .partiallyRefunded), (.merchant, .refunded):
            return .nothing(.invalidState, "paid or failed: cannot be closed")
        case (.expiry, .failed), (.expiry, .succeeded), (.expiry, .partiallyRefunded), (.expiry, .refunded):
            return .nothing(.none, "expiry of a payment that is already final or paid")
        }
    }

    /// The channel cannot close the order before it expires there (docs/API.md section 5: a
    /// merchant's close of an unpaid payment answers 200 `closed`). It is closed here; the
    /// channel's order stops taking payment at its payTimeout (our `expires_at`), and a payer who
    /// pays before then is a late payment, refunded like any other.
    private static func cannotClose(_ payment: PaymentSnapshot) -> LifecycleDecision {
        switch payment.status {
        case .created, .processing:
            let write = transition(payment, through: [.closed])
            return LifecycleDecision(
                write: write, merchantEvents: [.paymentClosed], answer: .none,
                reason: "closed here; the channel's order expires at its payTimeout")
        case .closed, .failed, .succeeded, .partiallyRefunded, .refunded:
            return .nothing(.none, "already final or paid; nothing to close")
        }
    }

    /// The write moving `payment` through `steps`, every step asked of `PaymentStateMachine`.
    /// Callers only ask for changes the table allows, so anything else is a programmer error.
    static func transition(
        _ payment: PaymentSnapshot, through steps: [PaymentStatus], channelTransactionId: String? = nil,
        paidAt: Timestamp? = nil, failureCode: String? = nil, channelPayload: ChannelPayload? = nil
    ) -> StatusWrite {
        var current = payment.status
        for step in steps {
            do {
                let decision = try PaymentStateMachine.decide(from: current, to: step)
                precondition(decision == .apply, "lifecycle asked for a no-op step \(current.rawValue) -> \(step.rawValue)")
            } catch {
                preconditionFailure("lifecycle asked for an illegal step \(error.source.rawValue) -> \(error.target.rawValue)")
            }
            current = step
        }
        return StatusWrite(
            source: payment.status, steps: steps, channelTransactionId: channelTransactionId, paidAt: paidAt,
            failureCode: failureCode, channelPayload: channelPayload
        )
    }
}
