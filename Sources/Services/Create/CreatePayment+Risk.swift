import PaygateCore
import PaygateCrypto

extension CreatePayment {
    /// A create risk blocked: 402 `risk_declined`, nothing sent to the channel, and the decision
    /// recorded (`risk_blocks`) and counted as a decline of the payer's keys.
    ///
    /// Risk judges new orders: an order that already exists (a merchant's repeat of a create whose
    /// answer it lost) is answered as it is, as without risk, even when its repeat would now be
    /// blocked; that is the one read a block costs.
    func refuse(
        _ body: CreatePaymentRequest, merchantId: String, slot: Int, risk: RiskAssessment, nonce: RequestNonce?, requestId: String
    ) throws -> Outcome {
        let candidate = try newPayment(slot: slot, merchantId: merchantId, body: body)
        if let existing = try context.payments.find(merchantId: merchantId, merchantOrderNo: body.merchantOrderNo) {
            guard PaymentTerms(existing) == PaymentTerms(candidate) else { throw Self.orderConflict(body) }
            if let nonce, !(try context.payments.recordNonce(nonce, slot: slot)) { throw NonceReused() }
            return Outcome(payment: existing, isNew: false)
        }
        // The request is answered, so its nonce is spent: a replay of it is 401 `nonce_reused`,
        // not a second block record and a second decline against the payer.
        if let nonce, !(try context.payments.recordNonce(nonce, slot: slot)) { throw NonceReused() }
        let now = context.clock.now()
        let block = RiskBlock(
            id: RiskBlockId(millisecondsSinceEpoch: now.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
            merchantId: merchantId, merchantOrderNo: body.merchantOrderNo, amount: body.amount, channel: body.channel,
            assessment: risk, requestId: requestId, at: now)
        try context.payments.recordRiskBlock(block)
        context.risk?.recordDecline(RiskEngine.subjects(of: body, merchantId: merchantId), at: now, requestId: requestId)
        context.log.info(
            "risk blocked \(block.id.text) (\(risk.rule ?? "score"), score \(risk.score.map(String.init) ?? "none"))", requestId: requestId)
        throw APIError(.riskDeclined, "Risk declined this payment (record \(block.id.text)); nothing was sent to the channel.")
    }
}
