import XCTest

@testable import PaygateCore

/// The facts of one create for rule tests: every field defaults to an ordinary CNY Alipay create
/// at noon with no payer object, no counters and no score.
func riskFacts(
    amount: Int64 = 10_000, currency: Currency = .cny, channel: Channel = .alipay, ip: String? = nil, device: String? = nil,
    user: String? = nil, merchant: String = "m_demo", hour: Int = 12, counters: [RiskCounterKey: Int64] = [:],
    deviceNew: Bool? = nil, score: Int? = nil
) -> RiskFacts {
    RiskFacts(
        amount: Money(minorUnits: amount, currency: currency), channel: channel,
        subjects: RiskSubjects(payerIP: ip, payerDevice: device, payerUser: user, merchant: merchant), hourChina: hour,
        counters: counters, deviceNewToUser: deviceNew, score: score)
}

final class RiskRulesEvaluationTests: XCTestCase {
    private let lists = RiskLists(["blocked_ips": ["10.0.0.1"], "vip": ["m_vip"], "empty": []])
    private let tenMinutes = RiskCounterKey(subject: .payerDevice, measure: .count, windowSeconds: 600)
    private let daySum = RiskCounterKey(subject: .payerUser, measure: .sum, windowSeconds: 86_400)

    /// The truth of `condition` for `facts`.
    private func truth(_ condition: String, _ facts: RiskFacts, file: StaticString = #filePath, line: UInt = #line) -> RiskTruth? {
        do {
            return try RiskRuleSet.parse("review if " + condition).rules.first?.condition.truth(facts, lists)
        } catch {
            XCTFail("\(condition): \(error)", file: file, line: line)
            return nil
        }
    }

    func testNumberComparisons() {
        let facts = riskFacts(hour: 3, counters: [tenMinutes: 11], score: 40)
        let table: [(String, RiskTruth)] = [
            ("hour = 3", .yes), ("hour = 4", .no), ("hour != 3", .no), ("hour != 4", .yes),
            ("hour < 3", .no), ("hour < 4", .yes), ("hour <= 3", .yes), ("hour <= 2", .no),
            ("hour > 3", .no), ("hour > 2", .yes), ("hour >= 3", .yes), ("hour >= 4", .no),
            ("3 = hour", .yes), ("2 < hour", .yes),
            ("velocity(payer.device_id, 10m) > 10", .yes), ("velocity(payer.device_id, 10m) > 11", .no),
            ("velocity(payer.device_id, 600s) = 11", .yes),
            ("velocity(payer.device_id, 11m) > 0", .unknown), ("declines(payer.user_id, 1d) >= 0", .unknown),
            ("score >= 40", .yes), ("score > 40", .no), ("hour in (1, 3)", .yes), ("hour not in (1, 3)", .no),
            ("score in (1, 2)", .no),
        ]
        for (condition, expected) in table {
            XCTAssertEqual(truth(condition, facts), expected, condition)
        }
        XCTAssertEqual(truth("score >= 0", riskFacts()), .unknown)
        XCTAssertEqual(truth("score not in (1, 2)", riskFacts()), .unknown)
    }

    /// Amounts compare exactly in the payment's own currency; literals are major units.
    func testMoneyComparisons() {
        let yuan = riskFacts(amount: 500_001, counters: [daySum: 2_000_000])
        let yen = riskFacts(amount: 5_000, currency: .jpy, counters: [daySum: 20_000])
        let table: [(String, RiskFacts, RiskTruth)] = [
            ("amount > 5000.00", yuan, .yes), ("amount > 5000.01", yuan, .no), ("amount = 5000.01", yuan, .yes),
            ("amount >= 5000.01", yuan, .yes), ("amount < 5000.02", yuan, .yes), ("amount <= 5000", yuan, .no),
            ("amount != 5000.01", yuan, .no), ("amount > 5000", yuan, .yes), ("amount > 5000.1", yuan, .no),
            ("amount in (5000.01, 1)", yuan, .yes), ("amount not in (5000, 1)", yuan, .yes),
            ("sum(payer.user_id, 24h) >= 20000", yuan, .yes), ("sum(payer.user_id, 24h) > 20000", yuan, .no),
            ("sum(payer.user_id, 24h) > amount", yuan, .yes), ("sum(payer.user_id, 1h) > 0", yuan, .unknown),
            ("amount = 5000", yen, .yes), ("amount > 4999.99", yen, .yes), ("amount < 5000.01", yen, .yes),
            ("amount > 5000.00", yen, .no), ("amount = 5000.50", yen, .no), ("sum(payer.user_id, 1d) = 20000", yen, .yes),
        ]
        for (condition, facts, expected) in table {
            XCTAssertEqual(truth(condition, facts), expected, "\(condition) with \(facts.amount.text) \(facts.amount.currency)")
        }
    }

    func testTextComparisonsAndLists() {
        let facts = riskFacts(currency: .usd, channel: .unionpay, ip: "10.0.0.1", device: "d1", merchant: "m_vip")
        let table: [(String, RiskTruth)] = [
            ("channel = 'unionpay'", .yes), ("channel = 'alipay'", .no), ("channel != 'alipay'", .yes),
            ("currency = 'USD'", .yes), ("currency in ('EUR', 'USD')", .yes), ("currency not in ('EUR', 'USD')", .no),
            ("merchant = 'm_vip'", .yes), ("merchant != 'm_vip'", .no), ("payer.device_id = 'd1'", .yes),
            ("payer.ip in @blocked_ips", .yes), ("payer.ip not in @blocked_ips", .no), ("merchant in @vip", .yes),
            ("payer.device_id in @blocked_ips", .no), ("payer.device_id in @no_such_list", .no),
            ("payer.device_id not in @empty", .yes), ("'10.0.0.1' in @blocked_ips", .yes),
            ("payer.user_id = 'u1'", .unknown), ("payer.user_id != 'u1'", .unknown),
            ("payer.user_id in @vip", .unknown), ("payer.user_id not in @vip", .unknown),
            ("payer.user_id not in ('a')", .unknown), ("payer.ip = payer.user_id", .unknown),
        ]
        for (condition, expected) in table {
            XCTAssertEqual(truth(condition, facts), expected, condition)
        }
    }

    func testBooleans() {
        let table: [(String, Bool?, RiskTruth)] = [
            ("payer.device_new", true, .yes), ("payer.device_new", false, .no), ("payer.device_new", nil, .unknown),
            ("payer.device_new = true", false, .no), ("payer.device_new != true", false, .yes),
            ("payer.device_new = false", nil, .unknown), ("true", nil, .yes), ("false", nil, .no), ("not true", nil, .no),
        ]
        for (condition, deviceNew, expected) in table {
            XCTAssertEqual(
                truth(condition, riskFacts(deviceNew: deviceNew)), expected, "\(condition) with \(String(describing: deviceNew))")
        }
    }

    /// Kleene's tables, with `hour = 3` true, `hour = 4` false and `score = 1` unknown (no score).
    func testKleeneTables() {
        let operands: [(String, RiskTruth)] = [("hour = 3", .yes), ("hour = 4", .no), ("score = 1", .unknown)]
        let and: [[RiskTruth]] = [[.yes, .no, .unknown], [.no, .no, .no], [.unknown, .no, .unknown]]
        let or: [[RiskTruth]] = [[.yes, .yes, .yes], [.yes, .no, .unknown], [.yes, .unknown, .unknown]]
        let facts = riskFacts(hour: 3)
        for (row, (left, _)) in operands.enumerated() {
            for (column, (right, _)) in operands.enumerated() {
                XCTAssertEqual(truth("\(left) and \(right)", facts), and[row][column], "\(left) and \(right)")
                XCTAssertEqual(truth("\(left) or \(right)", facts), or[row][column], "\(left) or \(right)")
            }
        }
        for (operand, value) in operands {
            XCTAssertEqual(truth("not (\(operand))", facts), value.negated, "not \(operand)")
        }
        XCTAssertEqual([RiskTruth.yes, .no, .unknown].map(\.negated), [.no, .yes, .unknown])
        XCTAssertEqual(truth("not (score = 1 or hour = 4)", facts), .unknown)
        XCTAssertEqual(truth("not (score = 1 and hour = 4)", facts), .yes)
    }
}
