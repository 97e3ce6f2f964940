import XCTest

@testable import PaygateCore

/// The order of evaluation: allow rules, block rules, the block threshold, review rules, the review
/// threshold; first match within a group; nothing matching is nil (allow, no rule).
final class RiskRulesOrderTests: XCTestCase {
    private let lists = RiskLists(["vip": ["m_vip"]])

    private func decide(_ file: String, _ facts: RiskFacts, file source: StaticString = #filePath, line: UInt = #line) -> RiskRuleMatch? {
        do {
            return try RiskRuleSet.parse(file).evaluate(facts, lists: lists, reviewThreshold: 65, blockThreshold: 85)
        } catch {
            XCTFail("\(error)", file: source, line: line)
            return nil
        }
    }

    private let file = """
        review if hour < 6          # night
        block if amount > 1000      # large
        review if amount > 500
        allow if merchant in @vip
        block if amount > 100
        """

    func testAllowRulesComeFirstWhereverTheyAreWritten() {
        XCTAssertEqual(
            decide(file, riskFacts(amount: 200_000, merchant: "m_vip", hour: 3)),
            RiskRuleMatch(decision: .allow, rule: "allow if merchant in @vip"))
        XCTAssertEqual(
            decide(file, riskFacts(merchant: "m_vip", score: 99)), RiskRuleMatch(decision: .allow, rule: "allow if merchant in @vip"))
    }

    func testBlockRulesComeBeforeReviewRulesAndTheFirstMatchWins() {
        XCTAssertEqual(decide(file, riskFacts(amount: 200_000, hour: 3)), RiskRuleMatch(decision: .block, rule: "block if amount > 1000"))
        XCTAssertEqual(decide(file, riskFacts(amount: 60_000, hour: 3)), RiskRuleMatch(decision: .block, rule: "block if amount > 100"))
        XCTAssertEqual(decide(file, riskFacts(amount: 5_000, hour: 3)), RiskRuleMatch(decision: .review, rule: "review if hour < 6"))
        XCTAssertEqual(decide(file, riskFacts(amount: 5_000, hour: 12)), nil)
    }

    func testThresholdsSitBetweenTheGroups() {
        let rules = "review if hour < 6\nblock if amount > 100"
        XCTAssertEqual(decide(rules, riskFacts(hour: 3, score: 85)), RiskRuleMatch(decision: .block, rule: "score >= 85"))
        XCTAssertEqual(decide(rules, riskFacts(amount: 20_000, score: 85)), RiskRuleMatch(decision: .block, rule: "block if amount > 100"))
        XCTAssertEqual(decide(rules, riskFacts(hour: 3, score: 84)), RiskRuleMatch(decision: .review, rule: "review if hour < 6"))
        XCTAssertEqual(decide(rules, riskFacts(score: 84)), RiskRuleMatch(decision: .review, rule: "score >= 65"))
        XCTAssertEqual(decide(rules, riskFacts(score: 65)), RiskRuleMatch(decision: .review, rule: "score >= 65"))
        XCTAssertEqual(decide(rules, riskFacts(score: 64)), nil)
        XCTAssertEqual(decide(rules, riskFacts(score: nil)), nil)
        XCTAssertEqual(decide("", riskFacts(score: 100)), RiskRuleMatch(decision: .block, rule: "score >= 85"))
    }

    func testThresholdTextsFollowTheConfiguredValues() throws {
        let set = try RiskRuleSet.parse("")
        let block = set.evaluate(riskFacts(score: 50), lists: lists, reviewThreshold: 10, blockThreshold: 50)
        XCTAssertEqual(block, RiskRuleMatch(decision: .block, rule: "score >= 50"))
        let review = set.evaluate(riskFacts(score: 0), lists: lists, reviewThreshold: 0, blockThreshold: 100)
        XCTAssertEqual(review, RiskRuleMatch(decision: .review, rule: "score >= 0"))
        XCTAssertEqual(RiskRuleSet.thresholdText(101), "score >= 101")
    }

    /// An unknown condition never matches: without a payer, payer rules stay silent, negated or not.
    func testUnknownConditionsDoNotMatch() {
        let rules = "block if payer.ip not in @vip\nblock if not payer.device_new\nreview if velocity(payer.ip, 1m) > 0 or hour = 23"
        XCTAssertEqual(decide(rules, riskFacts()), nil)
        XCTAssertEqual(decide(rules, riskFacts(ip: "1.2.3.4")), RiskRuleMatch(decision: .block, rule: "block if payer.ip not in @vip"))
    }
}
