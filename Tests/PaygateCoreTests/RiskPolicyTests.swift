import Foundation
import PaygateCore
import XCTest

/// The whole decision (RiskPolicy): the committed model scores, the rules decide in their order,
/// and without counters the degraded mode decides what no rule did.
final class RiskPolicyTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let rules = """
        allow if merchant in @trusted_merchants
        block if payer.device_id in @blocked_devices
        review if velocity(payer.ip, 10m) > 20
        """

    func policy(degradedAbove: RiskDecision = .review) throws -> RiskPolicy {
        let bytes = try Data(contentsOf: Self.repositoryRoot.appendingPathComponent("nginx/risk-model.json"))
        var configuration = RiskConfiguration()
        configuration.degraded.above = degradedAbove
        return try RiskPolicy(
            rules: try RiskRuleSet.parse(Self.rules), model: try RiskModel(json: [UInt8](bytes)), configuration: configuration)
    }

    func facts(amount: Int64, device: String? = "d-1", ipCount: Int64 = 1) -> RiskFacts {
        let subjects = RiskSubjects(payerIP: "203.0.113.9", payerDevice: device, payerUser: "u-1", merchant: "mch_1")
        var counters: [RiskCounterKey: Int64] = [RiskCounterKey(subject: .payerIP, measure: .count, windowSeconds: 600): ipCount]
        for key in RiskFeatures.counterKeys { counters[key] = counters[key] ?? 1 }
        return RiskFacts(
            amount: Money(minorUnits: amount, currency: .cny), channel: .alipay, subjects: subjects, hourChina: 14, counters: counters,
            deviceNewToUser: false)
    }

    func testTheRulesOrderAndTheirTextDecide() throws {
        let policy = try policy()
        let lists = RiskLists(["blocked_devices": ["d-bad"], "trusted_merchants": []])
        let blocked = policy.decide(facts(amount: 1_000, device: "d-bad"), lists: lists, countersAvailable: true)
        XCTAssertEqual(blocked.decision, .block)
        XCTAssertEqual(blocked.rule, "block if payer.device_id in @blocked_devices")
        XCTAssertNotNil(blocked.score)
        let burst = policy.decide(facts(amount: 1_000, ipCount: 21), lists: lists, countersAvailable: true)
        XCTAssertEqual(burst.decision, .review)
        XCTAssertEqual(burst.rule, "review if velocity(payer.ip, 10m) > 20")
        let trusted = policy.decide(
            facts(amount: 1_000, device: "d-bad"), lists: RiskLists(["blocked_devices": ["d-bad"], "trusted_merchants": ["mch_1"]]),
            countersAvailable: true)
        XCTAssertEqual(trusted.decision, .allow)
        XCTAssertEqual(trusted.rule, "allow if merchant in @trusted_merchants")
    }

    func testAnOrdinaryCreateIsAllowedWithItsScoreAndNoRule() throws {
        let assessment = try policy().decide(facts(amount: 12_30), lists: RiskLists([:]), countersAvailable: true)
        XCTAssertEqual(assessment.decision, .allow)
        XCTAssertNil(assessment.rule)
        XCTAssertLessThan(try XCTUnwrap(assessment.score), 65)
    }

    /// A merchant that never sends payer data is judged by the rules alone: the model would read
    /// card testing into its small night-time payments (it scores such facts above 90).
    func testACreateWithoutAPayerIsNotScored() throws {
        let policy = try policy()
        for amount: Int64 in [1, 1_00, 1_000_00, 99_999_999_99] {
            var facts = facts(amount: amount, device: nil)
            facts.subjects = RiskSubjects(payerIP: nil, payerDevice: nil, payerUser: nil, merchant: "mch_1")
            facts.hourChina = 3
            XCTAssertEqual(
                policy.decide(facts, lists: RiskLists([:]), countersAvailable: true),
                RiskAssessment(score: nil, decision: .allow, rule: nil))
        }
    }

    func testWithoutCountersOnlyRulesOnTheRequestApplyThenTheAmountDecides() throws {
        let lists = RiskLists(["blocked_devices": ["d-bad"]])
        for above in [RiskDecision.review, .block] {
            let policy = try policy(degradedAbove: above)
            var small = facts(amount: 499_99)
            small.counters = [:]
            XCTAssertEqual(
                policy.decide(small, lists: lists, countersAvailable: false), RiskAssessment(score: nil, decision: .allow, rule: "degraded")
            )
            var large = facts(amount: 500_00)
            large.counters = [:]
            XCTAssertEqual(
                policy.decide(large, lists: lists, countersAvailable: false), RiskAssessment(score: nil, decision: above, rule: "degraded"))
            var listed = facts(amount: 1, device: "d-bad")
            listed.counters = [:]
            XCTAssertEqual(policy.decide(listed, lists: lists, countersAvailable: false).decision, .block)
        }
    }

    func testTheDegradedAmountIsCheckedAtLoad() throws {
        var configuration = RiskConfiguration()
        configuration.degraded.allowBelow = "five hundred"
        XCTAssertThrowsError(try configuration.degraded.validate())
        configuration.degraded.allowBelow = "500.00"
        configuration.degraded.above = .allow
        XCTAssertThrowsError(try configuration.degraded.validate())
    }

    func testTheAssessmentIsWrittenAsTheContractSays() {
        var writer = JSONWriter()
        RiskAssessment(score: nil, decision: .review, rule: "degraded").writeJSON(into: &writer)
        XCTAssertEqual(writer.string, #"{"score":null,"decision":"review","rule":"degraded"}"#)
        XCTAssertEqual(RiskAssessment(score: 3, decision: .allow, rule: String(repeating: "x", count: 300)).rule?.count, 255)
    }

    func testChinaHourIsUTCPlusEight() {
        XCTAssertEqual(RiskFacts.hourChina(at: Timestamp(secondsSinceEpoch: 0)), 8)
        XCTAssertEqual(RiskFacts.hourChina(at: Timestamp(secondsSinceEpoch: 16 * 3_600)), 0)
        XCTAssertEqual(RiskFacts.hourChina(at: Timestamp(secondsSinceEpoch: 15 * 3_600 + 3_599)), 23)
    }
}
