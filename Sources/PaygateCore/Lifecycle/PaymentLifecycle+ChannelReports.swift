/// What the channel tells us about a payment: paid, failed, closed. See the table on
/// `PaymentLifecycle` for the whole picture and the reasons behind the late-payment refund.
extension PaymentLifecycle {
    static func reportedPaid(_ payment: PaymentSnapshot, _ paid: ChannelPaid, from source: ReportSource) -> LifecycleDecision {
        let acknowledge = answer(.acknowledge, from: source)
        // Checked before the status: a wrong amount must never count as a payment of this order,
        // whatever the order's status. The money stays at the channel until a person reviews it.
        if paid.amount.currency != payment.amount.currency {
            let anomaly = PaymentAnomaly(kind: .currencyMismatch, transactionId: paid.transactionId, reportedAmount: paid.amount)
            return LifecycleDecision(
                anomalies: [anomaly], answer: answer(.refuse, from: source), reason: "paid in another currency than the order's")
        }
        if paid.amount.minorUnits != payment.amount.minorUnits {
            let anomaly = PaymentAnomaly(kind: .amountMismatch, transactionId: paid.transactionId, reportedAmount: paid.amount)
            return LifecycleDecision(
                anomalies: [anomaly], answer: answer(.refuse, from: source), reason: "paid another amount than the order's")
        }
        switch payment.status {
        case .created, .processing:
            // A `created` payment reported paid (its prepay timed out after the channel took the
            // order) passes through `processing`: the table has no direct step.
            let steps: [PaymentStatus] = payment.status == .created ? [.processing, .succeeded] : [.succeeded]
            let write = transition(payment, through: steps, channelTransactionId: paid.transactionId, paidAt: paid.paidAt)
            return LifecycleDecision(write: write, merchantEvents: [.paymentSucceeded], answer: acknowledge, reason: "paid")
        case .succeeded, .partiallyRefunded, .refunded:
            if payment.channelTransactionId == paid.transactionId {
                return .nothing(acknowledge, "duplicate report of the recorded payment")
            }
            // A second payment for one order. It is not refunded automatically: the order is being
            // fulfilled, and which of the two to give back is for a person to decide.
            let anomaly = PaymentAnomaly(kind: .conflictingTransactionId, transactionId: paid.transactionId, reportedAmount: paid.amount)
            return LifecycleDecision(anomalies: [anomaly], answer: acknowledge, reason: "paid again under another transaction id")
        case .closed, .failed:
            if payment.lateRefundTransactionIds.contains(paid.transactionId) {
                return .nothing(acknowledge, "late payment already being refunded")
            }
            let kind: PaymentAnomalyKind = payment.status == .closed ? .paidAfterClose : .paidAfterFailure
            let anomaly = PaymentAnomaly(kind: kind, transactionId: paid.transactionId, reportedAmount: paid.amount)
            return LifecycleDecision(
                anomalies: [anomaly], channelActions: [.refundLatePayment(amount: paid.amount, transactionId: paid.transactionId)],
                answer: acknowledge, reason: "paid after the order became final; refund it"
            )
        }
    }

    static func reportedFailed(_ payment: PaymentSnapshot, failureCode: String, from source: ReportSource) -> LifecycleDecision {
        let acknowledge = answer(.acknowledge, from: source)
        switch payment.status {
        case .created, .processing:
            let write = transition(payment, through: [.failed], failureCode: failureCode)
            return LifecycleDecision(write: write, merchantEvents: [.paymentFailed], answer: acknowledge, reason: "failed at the channel")
        case .failed:
            return .nothing(acknowledge, "duplicate failure report")
        case .closed:
            // Not paid either way; the merchant was already told `payment.closed`.
            return .nothing(acknowledge, "failure reported for a closed order")
        case .succeeded, .partiallyRefunded, .refunded:
            let anomaly = PaymentAnomaly(kind: .failedAfterPaid)
            return LifecycleDecision(anomalies: [anomaly], answer: acknowledge, reason: "failure reported for a paid order")
        }
    }

    static func confirmedClosed(_ payment: PaymentSnapshot, from source: ReportSource) -> LifecycleDecision {
        let acknowledge = answer(.acknowledge, from: source)
        switch payment.status {
        case .created, .processing:
            let write = transition(payment, through: [.closed])
            return LifecycleDecision(write: write, merchantEvents: [.paymentClosed], answer: acknowledge, reason: "closed at the channel")
        case .closed:
            return .nothing(acknowledge, "already closed")
        case .failed:
            return .nothing(acknowledge, "closed at the channel after it failed")
        case .succeeded, .partiallyRefunded, .refunded:
            let anomaly = PaymentAnomaly(kind: .closedAfterPaid)
            return LifecycleDecision(anomalies: [anomaly], answer: acknowledge, reason: "channel reports closed a paid order")
        }
    }

    /// Only a callback is answered; a query or close result has nobody waiting.
    private static func answer(_ answer: LifecycleAnswer, from source: ReportSource) -> LifecycleAnswer {
        source == .callback ? answer : .none
    }
}
