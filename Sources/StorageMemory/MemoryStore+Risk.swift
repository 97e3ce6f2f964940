import PaygateCore

extension MemoryStore: RiskDecisionStoring {
    public func recordRiskBlock(_ block: RiskBlock) throws {
        lock.lock()
        defer { lock.unlock() }
        riskBlocks.append(block)
    }

    public func changeRiskDecision(of id: PaymentId, from expected: RiskDecision, to decision: RiskDecision) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard var payment = payments[id], payment.status == .created, let risk = payment.risk, risk.decision == expected else {
            return false
        }
        payment.risk = RiskAssessment(score: risk.score, decision: decision, rule: risk.rule)
        payments[id] = payment
        return true
    }
}
