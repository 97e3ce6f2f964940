import PaygateCore

/// An admin's decision on a payment held for review (`paygate-admin risk approve|decline`,
/// README "Risk"). The decision is a compare-and-set on the payment's risk decision, then the
/// ordinary lifecycle runs: approve prepays as a create would have (processing with its pay URL);
/// decline fails the payment with `failure_code` `risk_declined` and its `payment.failed` webhook.
/// Each is safe to repeat: a repeat after a crash, or after the channel did not answer, finds the
/// decision taken and carries on from where the payment stands.
public struct RiskReview {
    public static let declinedFailureCode = "risk_declined"

    let context: ServiceContext
    let create: CreatePayment

    init(_ context: ServiceContext, create: CreatePayment) {
        self.context = context
        self.create = create
    }

    public func approve(_ id: PaymentId, requestId: String) throws -> Payment {
        let payment = try held(id, deciding: .approved) { payment throws(APIError) in
            // Checked before the decision is written: a refused approve writes nothing.
            guard context.clock.now() < payment.expiresAt else {
                throw APIError(.invalidState, "Payment \(id.text) expired before it was approved; it closes without a prepay.")
            }
        }
        return try create.prepay(payment, requestId: requestId)
    }

    public func decline(_ id: PaymentId, requestId: String) throws -> Payment {
        let payment = try held(id, deciding: .declined)
        guard
            let applied = try context.payments.applyOnSnapshot(
                .prepayRejected(failureCode: Self.declinedFailureCode), to: payment, checkAfter: payment.expiresAt, reason: "risk_declined",
                requestId: requestId)
        else {
            throw APIError(.notFound, "No payment \(id.text).")
        }
        return applied.payment
    }

    /// The payment with `decision` taken: from `review`, or already taken by an earlier call.
    private func held(
        _ id: PaymentId, deciding decision: RiskDecision, check: (Payment) throws(APIError) -> Void = { _ throws(APIError) in }
    ) throws -> Payment {
        guard var payment = try context.payments.findAny(id: id) else { throw APIError(.notFound, "No payment \(id.text).") }
        guard let risk = payment.risk, risk.decision == .review || risk.decision == decision else {
            throw APIError(
                .invalidState, "Payment \(id.text) is not held for review (risk decision \(payment.risk?.decision.rawValue ?? "none")).")
        }
        guard payment.status == .created else {
            throw APIError(.invalidState, "Payment \(id.text) is \(payment.status.rawValue): the review was already settled.")
        }
        try check(payment)
        if risk.decision == .review {
            guard try context.payments.changeRiskDecision(of: id, from: .review, to: decision) else {
                throw APIError(.invalidState, "Payment \(id.text) was decided by someone else meanwhile; look it up again.")
            }
            payment.risk = RiskAssessment(score: risk.score, decision: decision, rule: risk.rule)
        }
        return payment
    }
}
