import Channels
import Foundation
import PaygateCore
import Services
import StorageMemory
import Synchronization
import XCTest

/// Counters that answer what the test says, or are unreachable; and the declines they were told.
final class ScriptedSignals: RiskSignals, Sendable {
    let available = Mutex(true)
    let declines = Mutex(0)

    func observe(_ attempt: RiskAttempt, reading: Set<RiskCounterKey>) throws(RiskSignalsUnavailable) -> RiskObservation {
        guard available.withLock({ $0 }) else { throw RiskSignalsUnavailable("scripted: down") }
        return RiskObservation(counters: Dictionary(uniqueKeysWithValues: reading.map { ($0, Int64(1)) }), deviceNewToUser: false)
    }

    func rememberDevice(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable) {}

    func recordDecline(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable) {
        declines.withLock { $0 += 1 }
    }
}

struct FixedLists: RiskListSource {
    var lists: RiskLists
    func current() -> RiskLists { lists }
}

/// Risk on the create path and an admin's review decisions, over the twin and scripted channels.
final class RiskFlowTests: XCTestCase {
    static let rules = """
        block if payer.device_id in @blocked_devices
        review if payer.device_id = 'd-review'
        """
    let signals = ScriptedSignals()

    func harness() throws -> Harness {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let model = try RiskModel(json: [UInt8](try Data(contentsOf: root.appendingPathComponent("nginx/risk-model.json"))))
        let policy = try RiskPolicy(rules: try RiskRuleSet.parse(Self.rules), model: model, configuration: RiskConfiguration())
        let engine = RiskEngine(
            policy: policy, signals: signals, lists: FixedLists(lists: RiskLists(["blocked_devices": ["d-bad"]])),
            log: Log(component: "test", minimum: .error))
        return Harness(risk: engine)
    }

    func create(_ harness: Harness, order: String = "order-1", device: String?) throws -> CreatePayment.Outcome {
        try harness.services.create.create(
            try Harness.body(order: order, payerDevice: device), merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "r")
    }

    func testABlockIs402WithItsRecordAndNoChannelCall() throws {
        let harness = try harness()
        XCTAssertThrowsError(try create(harness, device: "d-bad")) { error in
            XCTAssertEqual((error as? APIError)?.code, .riskDeclined)
            XCTAssertEqual((error as? APIError)?.code.httpStatus, 402)
        }
        XCTAssertEqual(harness.channels.calls, [])
        XCTAssertNil(try harness.store.find(merchantId: Harness.merchant, merchantOrderNo: "order-1"))
        XCTAssertEqual(harness.store.riskBlocks.map(\.assessment.rule), ["block if payer.device_id in @blocked_devices"])
        XCTAssertEqual(harness.store.riskBlocks.first?.merchantOrderNo, "order-1")
        XCTAssertEqual(signals.declines.withLock { $0 }, 1)
    }

    func testABlockedRequestReplayedIsANonceReuseNotASecondBlock() throws {
        let harness = try harness()
        let nonce = Harness.nonce()
        let body = try Harness.body(order: "order-1", payerDevice: "d-bad")
        XCTAssertThrowsError(try harness.services.create.create(body, merchantId: Harness.merchant, nonce: nonce, requestId: "r1"))
        XCTAssertThrowsError(try harness.services.create.create(body, merchantId: Harness.merchant, nonce: nonce, requestId: "r2")) {
            error in
            XCTAssertTrue(error is NonceReused, "\(error)")
        }
        XCTAssertEqual(harness.store.riskBlocks.count, 1)
        XCTAssertEqual(signals.declines.withLock { $0 }, 1)
    }

    func testAnExistingOrderIsAnsweredEvenWhenItsRepeatWouldBeBlocked() throws {
        let harness = try harness()
        harness.channels.prepayAnswers.append(.answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/1"))))
        let first = try create(harness, device: "d-1")
        XCTAssertEqual(first.payment.risk?.decision, .allow)
        let repeated = try create(harness, device: "d-bad")
        XCTAssertFalse(repeated.isNew)
        XCTAssertEqual(repeated.payment.id, first.payment.id)
        XCTAssertTrue(harness.store.riskBlocks.isEmpty)
    }

    func testAReviewIsHeldCreatedWithoutAPrepayEvenOnARepeat() throws {
        let harness = try harness()
        let held = try create(harness, device: "d-review")
        XCTAssertTrue(held.isNew)
        XCTAssertEqual(held.payment.status, .created)
        XCTAssertEqual(held.payment.channelPayloadJSON, "{}")
        XCTAssertEqual(held.payment.risk?.decision, .review)
        XCTAssertEqual(held.payment.risk?.rule, "review if payer.device_id = 'd-review'")
        let repeated = try create(harness, device: "d-review")
        XCTAssertFalse(repeated.isNew)
        XCTAssertEqual(repeated.payment.status, .created)
        XCTAssertEqual(harness.channels.calls, [], "a held payment is never prepaid")
    }

    func testApproveIsTheCreatesPrepayAndCanBeRepeatedAfterTheChannelFailed() throws {
        let harness = try harness()
        let held = try create(harness, device: "d-review").payment
        XCTAssertThrowsError(try harness.services.riskReview.approve(held.id, requestId: "a1")) { error in
            XCTAssertEqual((error as? APIError)?.code, .channelUnavailable)
        }
        XCTAssertEqual(try harness.store.findAny(id: held.id)?.risk?.decision, .approved)
        harness.channels.prepayAnswers.append(.answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/1"))))
        let approved = try harness.services.riskReview.approve(held.id, requestId: "a2")
        XCTAssertEqual(approved.status, .processing)
        XCTAssertEqual(approved.risk?.decision, .approved)
        XCTAssertTrue(approved.channelPayloadJSON.contains("pay_url"))
        XCTAssertThrowsError(try harness.services.riskReview.decline(held.id, requestId: "d")) { error in
            XCTAssertEqual((error as? APIError)?.code, .invalidState)
        }
    }

    func testDeclineFailsThePaymentWithItsEventOnce() throws {
        let harness = try harness()
        let held = try create(harness, device: "d-review").payment
        let declined = try harness.services.riskReview.decline(held.id, requestId: "d1")
        XCTAssertEqual(declined.status, .failed)
        XCTAssertEqual(declined.failureCode, "risk_declined")
        XCTAssertEqual(declined.risk?.decision, .declined)
        XCTAssertEqual(harness.eventsOf(held.id), [.paymentFailed])
        XCTAssertThrowsError(try harness.services.riskReview.decline(held.id, requestId: "d2")) { error in
            XCTAssertEqual((error as? APIError)?.code, .invalidState)
        }
        XCTAssertThrowsError(try harness.services.riskReview.approve(held.id, requestId: "a")) { error in
            XCTAssertEqual((error as? APIError)?.code, .invalidState)
        }
        XCTAssertEqual(harness.eventsOf(held.id), [.paymentFailed])
        XCTAssertEqual(harness.channels.calls, [])
    }

    func testAMerchantClosesAHeldPaymentWithoutAskingTheChannel() throws {
        let harness = try harness()
        let held = try create(harness, device: "d-review").payment
        let closed = try harness.services.close.close(held.id, merchantId: Harness.merchant, nonce: Harness.nonce(), requestId: "c")
        XCTAssertEqual(closed.status, .closed)
        XCTAssertEqual(harness.eventsOf(held.id), [.paymentClosed])
        XCTAssertEqual(harness.channels.calls, [], "the channel never knew the order")
        XCTAssertThrowsError(try harness.services.riskReview.approve(held.id, requestId: "a")) { error in
            XCTAssertEqual((error as? APIError)?.code, .invalidState)
        }
    }

    func testApprovingAnExpiredPaymentWritesNothing() throws {
        let harness = try harness()
        let held = try create(harness, device: "d-review").payment
        harness.clock.advance(seconds: 901)
        XCTAssertThrowsError(try harness.services.riskReview.approve(held.id, requestId: "a")) { error in
            XCTAssertEqual((error as? APIError)?.code, .invalidState)
        }
        XCTAssertEqual(try harness.store.findAny(id: held.id)?.risk?.decision, .review, "a refused approve writes nothing")
        XCTAssertEqual(harness.channels.calls, [])
        XCTAssertEqual(try harness.services.riskReview.decline(held.id, requestId: "d").status, .failed)
    }

    func testAnAllowedPaymentCannotBeReviewed() throws {
        let harness = try harness()
        harness.channels.prepayAnswers.append(.answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/1"))))
        let allowed = try create(harness, device: "d-1").payment
        XCTAssertThrowsError(try harness.services.riskReview.approve(allowed.id, requestId: "a")) { error in
            XCTAssertEqual((error as? APIError)?.code, .invalidState)
        }
    }

    func testUnreachableCountersDecideByAmountAndNeverFailTheCreate() throws {
        let harness = try harness()
        signals.available.withLock { $0 = false }
        harness.channels.prepayAnswers.append(.answered(.accepted(ChannelPayload(payURL: "https://channel.test/pay/1"))))
        let small = try create(harness, order: "small", device: "d-1").payment
        XCTAssertEqual(small.risk, RiskAssessment(score: nil, decision: .allow, rule: "degraded"))
        XCTAssertEqual(small.status, .processing)
        let large = try harness.services.create.create(
            try Harness.body(order: "large", amount: "500.00", payerDevice: "d-1"), merchantId: Harness.merchant, nonce: Harness.nonce(),
            requestId: "r"
        ).payment
        XCTAssertEqual(large.risk, RiskAssessment(score: nil, decision: .review, rule: "degraded"))
        XCTAssertEqual(large.status, .created)
    }
}
