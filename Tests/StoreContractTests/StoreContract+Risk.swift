import PaygateCore
import PaygateCrypto
import XCTest

// Risk: the decision is stored with the payment and read back whole; an admin's decision is a
// compare-and-set; a block's record is appended.
extension StoreContract {
    func riskDecisionIsStoredWithThePayment() throws {
        let scene = try ContractScene(self)
        var held = try scene.newPayment(order: "risk-held")
        held.risk = RiskAssessment(score: 71, decision: .review, rule: "review if payer.user_id = 'Zoë' and amount > 50000.00")
        XCTAssertEqual(try scene.insert(held), held)
        XCTAssertEqual(try scene.payments.findAny(id: held.id)?.risk, held.risk)
        var unscored = try scene.newPayment(order: "risk-degraded")
        unscored.risk = RiskAssessment(score: nil, decision: .allow, rule: "degraded")
        XCTAssertEqual(try scene.insert(unscored), unscored)
        XCTAssertEqual(try scene.payments.find(merchantId: scene.merchantId, merchantOrderNo: "risk-degraded")?.risk, unscored.risk)
        let without = try scene.insert(try scene.newPayment(order: "risk-off"))
        XCTAssertNil(try scene.payments.findAny(id: without.id)?.risk)
        // The identical repeat answers the stored decision, not its own.
        var repeated = try scene.newPayment(order: "risk-held")
        repeated.risk = RiskAssessment(score: 3, decision: .allow, rule: nil)
        let outcome = try scene.payments.create(
            repeated, checkAfter: scene.checkFarAhead, nonce: StoreContract.nonce(scene.merchantId), stepReason: nil, requestId: "r")
        guard case .existing(let existing) = outcome else { return XCTFail("identical create answered \(outcome)") }
        XCTAssertEqual(existing.risk, held.risk)
    }

    func riskDecisionChangesOnlyFromTheOneExpected() throws {
        let scene = try ContractScene(self)
        var held = try scene.newPayment(order: "risk-review")
        held.risk = RiskAssessment(score: 70, decision: .review, rule: "score >= 65")
        _ = try scene.insert(held)
        XCTAssertFalse(try scene.payments.changeRiskDecision(of: held.id, from: .allow, to: .declined))
        XCTAssertTrue(try scene.payments.changeRiskDecision(of: held.id, from: .review, to: .approved))
        XCTAssertFalse(try scene.payments.changeRiskDecision(of: held.id, from: .review, to: .declined), "decided once")
        let stored = try XCTUnwrap(try scene.payments.findAny(id: held.id))
        XCTAssertEqual(stored.risk, RiskAssessment(score: 70, decision: .approved, rule: "score >= 65"))
        XCTAssertEqual(stored.version, held.version, "a risk decision is not a status change")
        // A held payment that moved on (closed at its expiry) keeps its decision.
        var expired = try scene.newPayment(
            order: "risk-expired", createdAt: scene.now.adding(seconds: -2_000), expiresAt: scene.now.adding(seconds: -1_000))
        expired.risk = RiskAssessment(score: 70, decision: .review, rule: "score >= 65")
        _ = try scene.insert(expired)
        _ = try scene.payments.apply(
            .closeRequested(by: .expiry), to: expired.id, merchantId: scene.merchantId, channel: nil, nonce: nil, checkAfter: nil,
            reason: "expiry", requestId: "r-expiry")
        XCTAssertEqual(try scene.payments.findAny(id: expired.id)?.status, .closed)
        XCTAssertFalse(try scene.payments.changeRiskDecision(of: expired.id, from: .review, to: .declined))
        XCTAssertEqual(try scene.payments.findAny(id: expired.id)?.risk?.decision, .review)
        let plain = try scene.insert(try scene.newPayment(order: "risk-none"))
        XCTAssertFalse(try scene.payments.changeRiskDecision(of: plain.id, from: .review, to: .approved))
        let missing = PaymentId(millisecondsSinceEpoch: scene.now.millisecondsSinceEpoch, slot: held.id.slot, random: 7)
        XCTAssertFalse(try scene.payments.changeRiskDecision(of: missing, from: .review, to: .approved))
    }

    func riskBlocksAreAppended() throws {
        let scene = try ContractScene(self)
        let slot = SlotRouter.paymentSlot(
            merchantId: scene.merchantId, merchantOrderNo: "risk-blocked", slotCount: scene.payments.slotCount)
        for score in [nil, 97] as [Int?] {
            let block = RiskBlock(
                id: RiskBlockId(millisecondsSinceEpoch: scene.now.millisecondsSinceEpoch, slot: slot, random: try SecureRandom.uint64()),
                merchantId: scene.merchantId, merchantOrderNo: "risk-blocked", amount: StoreContract.cny(5_000_000), channel: .wechatpay,
                assessment: RiskAssessment(
                    score: score, decision: .block, rule: score == nil ? "block if payer.ip in @blocked_ips" : "score >= 85"),
                requestId: "r-block", at: scene.now)
            XCTAssertNoThrow(try scene.payments.recordRiskBlock(block))
        }
        XCTAssertNil(try scene.payments.find(merchantId: scene.merchantId, merchantOrderNo: "risk-blocked"), "a block creates no payment")
    }
}
