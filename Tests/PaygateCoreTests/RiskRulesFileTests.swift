import XCTest

@testable import PaygateCore

/// The shipped defaults (`nginx/risk-rules.conf`) parse, read only payer counters, and decide a
/// fixed table of creates as a payment engineer expects; ordinary traffic is never touched.
final class RiskRulesFileTests: XCTestCase {
    private let lists = RiskLists([
        "trusted_merchants": ["m_platform"], "blocked_devices": ["dev_stolen"], "blocked_ips": ["203.0.113.9"],
        "blocked_users": ["u_fraud"],
    ])

    private func shippedRules() throws -> RiskRuleSet {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: repository.appendingPathComponent("nginx/risk-rules.conf"), encoding: .utf8)
        return try RiskRuleSet.parse(text)
    }

    private static func key(_ subject: RiskSubject, _ measure: RiskMeasure, _ seconds: Int) -> RiskCounterKey {
        RiskCounterKey(subject: subject, measure: measure, windowSeconds: seconds)
    }

    func testTheDefaultsParseAndReadNoMerchantVelocity() throws {
        let rules = try shippedRules()
        XCTAssertGreaterThanOrEqual(rules.rules.count, 10)
        XCTAssertEqual(rules.listNames, ["trusted_merchants", "blocked_devices", "blocked_ips", "blocked_users"])
        XCTAssertTrue(rules.counterKeys.allSatisfy { $0.subject != .merchant }, "\(rules.counterKeys)")
        XCTAssertTrue(rules.rules.allSatisfy { $0.text.count <= RiskRuleSet.ruleTextLengthMax })
        // Every rule printed back in canonical form parses to the same tree.
        for rule in rules.rules {
            let printed = "\(rule.action.rawValue) if \(rule.condition)"
            XCTAssertEqual(try RiskRuleSet.parse(printed).rules.first?.condition, rule.condition, printed)
        }
    }

    /// A load test: one merchant, no payer object, merchant counters far above anything a payer
    /// rule reads, amounts up to a large ordinary payment, every hour, with or without a score below
    /// the thresholds: nothing matches.
    func testOrdinaryTrafficWithoutPayerDataIsNeverTouched() throws {
        let rules = try shippedRules()
        let merchantCounters: [RiskCounterKey: Int64] = [
            Self.key(.merchant, .count, 600): 1_000_000, Self.key(.merchant, .sum, 3_600): 9_000_000_000,
            Self.key(.merchant, .declines, 86_400): 50_000, Self.key(.merchant, .distinctUsers, 3_600): 100_000,
        ]
        for hour in 0...23 {
            for amount: Int64 in [1, 1_230, 500_000, 4_999_999] {
                for channel in Channel.allCases {
                    let facts = riskFacts(amount: amount, channel: channel, hour: hour, counters: merchantCounters, score: hour * 2)
                    XCTAssertNil(
                        rules.evaluate(facts, lists: lists, reviewThreshold: 65, blockThreshold: 85), "\(channel) \(amount) at \(hour)")
                }
            }
        }
    }

    /// A realistic day of creates through the shipped rules, each with its expected decision.
    func testAFixedTableOfCreates() throws {
        let rules = try shippedRules()
        for row in Self.creates() {
            XCTAssertEqual(rules.evaluate(row.facts, lists: lists, reviewThreshold: 65, blockThreshold: 85), row.expected, row.name)
        }
    }

    private static func creates() -> [(name: String, facts: RiskFacts, expected: RiskRuleMatch?)] {
        let device = Self.key(.payerDevice, .count, 600)
        let usersOnIP = Self.key(.payerIP, .distinctUsers, 3_600)
        let userDeclines = Self.key(.payerUser, .declines, 86_400)
        let payer: (String?, String?, String?) = ("198.51.100.7", "dev_1", "u_1")
        return [
            (
                "ordinary payer",
                riskFacts(
                    ip: payer.0, device: payer.1, user: payer.2, counters: [device: 1, usersOnIP: 1, userDeclines: 0], deviceNew: false,
                    score: 10), nil
            ),
            (
                "trusted merchant, stolen device", riskFacts(device: "dev_stolen", merchant: "m_platform"),
                RiskRuleMatch(decision: .allow, rule: "allow if merchant in @trusted_merchants")
            ),
            (
                "stolen device", riskFacts(ip: payer.0, device: "dev_stolen"),
                RiskRuleMatch(decision: .block, rule: "block if payer.device_id in @blocked_devices")
            ),
            ("blocked address", riskFacts(ip: "203.0.113.9"), RiskRuleMatch(decision: .block, rule: "block if payer.ip in @blocked_ips")),
            (
                "declined five times", riskFacts(user: "u_1", counters: [userDeclines: 5]),
                RiskRuleMatch(decision: .block, rule: "block if declines(payer.user_id, 24h) >= 5")
            ),
            ("declined four times", riskFacts(user: "u_1", counters: [userDeclines: 4]), nil),
            (
                "card testing", riskFacts(device: "dev_1", counters: [device: 11]),
                RiskRuleMatch(decision: .review, rule: "review if velocity(payer.device_id, 10m) > 10")
            ),
            (
                "one address, many users", riskFacts(ip: payer.0, counters: [usersOnIP: 6]),
                RiskRuleMatch(decision: .review, rule: "review if distinct_users(payer.ip, 1h) > 5")
            ),
            (
                "new device, large amount", riskFacts(amount: 500_001, device: "dev_2", user: "u_1", deviceNew: true),
                RiskRuleMatch(decision: .review, rule: "review if payer.device_new and amount > 5000.00")
            ),
            ("new device, small amount", riskFacts(amount: 500_000, device: "dev_2", user: "u_1", deviceNew: true), nil),
            (
                "large Alipay payment", riskFacts(amount: 5_000_001),
                RiskRuleMatch(decision: .review, rule: "review if channel = 'alipay' and currency = 'CNY' and amount > 50000.00")
            ),
            ("large UnionPay payment below its limit", riskFacts(amount: 5_000_001, channel: .unionpay), nil),
            (
                "large yen payment", riskFacts(amount: 1_000_001, currency: .jpy, channel: .unionpay),
                RiskRuleMatch(decision: .review, rule: "review if currency = 'JPY' and amount > 1000000")
            ),
            ("high score", riskFacts(score: 90), RiskRuleMatch(decision: .block, rule: "score >= 85")),
            ("middling score", riskFacts(score: 70), RiskRuleMatch(decision: .review, rule: "score >= 65")),
            (
                "blocked rule beats the score", riskFacts(ip: "203.0.113.9", score: 90),
                RiskRuleMatch(decision: .block, rule: "block if payer.ip in @blocked_ips")
            ),
        ]
    }
}
