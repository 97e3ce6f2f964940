import XCTest

@testable import PaygateCore

/// Accepted forms of the rules language, printed back in the canonical form (fully
/// parenthesised, windows in their largest unit, amounts with two decimals) or compared as trees.
final class RiskRulesParserTests: XCTestCase {
    /// The condition of a one-rule file, or a failure.
    private func condition(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> RiskCondition? {
        do {
            let set = try RiskRuleSet.parse("block if " + text)
            XCTAssertEqual(set.rules.count, 1, file: file, line: line)
            return set.rules.first?.condition
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return nil
        }
    }

    func testAcceptedFormsPrintBack() {
        let table: [(written: String, printed: String)] = [
            ("amount > 5000.00", "amount > 5000.00"),
            ("amount > 5000", "amount > 5000.00"),
            ("amount >= 0.5", "amount >= 0.50"),
            ("5000 < amount", "5000.00 < amount"),
            ("amount <= sum(payer.user_id, 24h)", "amount <= sum(payer.user_id, 1d)"),
            ("sum(merchant, 90m) != 12.34", "sum(merchant, 90m) != 12.34"),
            ("hour < 6", "hour < 6"),
            ("score >= 50 and score < 60", "(score >= 50 and score < 60)"),
            ("velocity(payer.device_id, 10m) > 10", "velocity(payer.device_id, 10m) > 10"),
            ("velocity(payer.ip, 3600s) > 10", "velocity(payer.ip, 1h) > 10"),
            ("declines(payer.user_id, 24h) >= 5", "declines(payer.user_id, 1d) >= 5"),
            ("distinct_users(payer.ip, 7d) = 1", "distinct_users(payer.ip, 7d) = 1"),
            ("merchant in @trusted_merchants", "merchant in @trusted_merchants"),
            ("payer.ip not in @known_ips", "payer.ip not in @known_ips"),
            ("channel in ('alipay', 'unionpay')", "channel in ('alipay', 'unionpay')"),
            ("currency = 'JPY'", "currency = 'JPY'"),
            ("'wechatpay' = channel", "'wechatpay' = channel"),
            (#"payer.user_id = 'o\'brien\\x'"#, #"payer.user_id = 'o\'brien\\x'"#),
            ("payer.user_id = '用户#1'", "payer.user_id = '用户#1'"),
            ("payer.device_new", "payer.device_new"),
            ("payer.device_new = false", "payer.device_new = false"),
            ("payer.device_new != true", "payer.device_new != true"),
            ("true", "true"),
            ("hour in (0, 1, 2)", "hour in (0, 1, 2)"),
            ("amount not in (1, 2.5)", "amount not in (1.00, 2.50)"),
        ]
        for (written, printed) in table {
            XCTAssertEqual(condition(written)?.description, printed, written)
        }
    }

    func testPrecedenceAndAssociativity() {
        let table: [(written: String, printed: String)] = [
            ("hour = 1 and hour = 2 or hour = 3", "((hour = 1 and hour = 2) or hour = 3)"),
            ("hour = 1 or hour = 2 and hour = 3", "(hour = 1 or (hour = 2 and hour = 3))"),
            ("hour = 1 or hour = 2 or hour = 3", "((hour = 1 or hour = 2) or hour = 3)"),
            ("(hour = 1 or hour = 2) and hour = 3", "((hour = 1 or hour = 2) and hour = 3)"),
            ("not payer.device_new and hour = 3", "(not payer.device_new and hour = 3)"),
            ("not (hour = 3 or hour = 4)", "not (hour = 3 or hour = 4)"),
            ("not not payer.device_new", "not not payer.device_new"),
            ("((((hour = 1))))", "hour = 1"),
            ("payer.ip not in @a or not merchant in @b", "(payer.ip not in @a or not merchant in @b)"),
        ]
        for (written, printed) in table {
            XCTAssertEqual(condition(written)?.description, printed, written)
        }
    }

    /// The canonical print parses to the same tree.
    func testPrintedFormParsesToTheSameTree() {
        let written = [
            "amount > 5000 and (channel = 'alipay' or currency != 'CNY') and not payer.device_new",
            "velocity(payer.ip, 120s) >= 3 or sum(payer.device_id, 48h) > 1.5 or payer.user_id in ('a', 'b\\'c')",
            "merchant not in @vip and hour in (22, 23, 0) and score > 40",
        ]
        for text in written {
            guard let tree = condition(text) else { continue }
            XCTAssertEqual(condition(tree.description), tree, text)
        }
    }

    func testTreesAreTypedAtParseTime() {
        let velocity = RiskCounterKey(subject: .payerDevice, measure: .count, windowSeconds: 600)
        XCTAssertEqual(condition("velocity(payer.device_id, 10m) > 10"), .numbers(.counter(velocity), .greater, .literal(10)))
        XCTAssertEqual(condition("amount > 5000"), .money(.amount, .greater, .literal(500_000)))
        XCTAssertEqual(condition("amount > 0.01"), .money(.amount, .greater, .literal(1)))
        let sum = RiskCounterKey(subject: .merchant, measure: .sum, windowSeconds: 86_400)
        XCTAssertEqual(condition("sum(merchant, 1d) < 3.5"), .money(.counter(sum), .less, .literal(350)))
        XCTAssertEqual(condition("channel = 'alipay'"), .texts(.channel, .equal, .literal("alipay")))
        XCTAssertEqual(condition("payer.ip in @blocked_ips"), .inList(.subject(.payerIP), list: "blocked_ips", negated: false))
        XCTAssertEqual(condition("payer.device_new"), .flag(.deviceNew))
        XCTAssertEqual(
            condition("not hour = 1 and hour != 2"),
            .and(.not(.numbers(.hour, .equal, .literal(1))), .numbers(.hour, .notEqual, .literal(2))))
    }

    func testFileStructureTextsLinesKeysAndLists() throws {
        let file = """
            # a comment line, then a blank one

            allow if merchant in @trusted_merchants   # trusted
            \tblock if payer.user_id = 'a#b' and declines(payer.user_id, 24h) >= 5\r
            review if velocity(payer.device_id, 10m) > 10 or velocity(payer.device_id, 600s) > 3#x
            review if payer.ip in @watch or merchant not in @trusted_merchants
            """
        let set = try RiskRuleSet.parse(file)
        XCTAssertEqual(set.rules.map(\.action), [.allow, .block, .review, .review])
        XCTAssertEqual(set.rules.map(\.line), [3, 4, 5, 6])
        XCTAssertEqual(
            set.rules.map(\.text),
            [
                "allow if merchant in @trusted_merchants",
                "block if payer.user_id = 'a#b' and declines(payer.user_id, 24h) >= 5",
                "review if velocity(payer.device_id, 10m) > 10 or velocity(payer.device_id, 600s) > 3",
                "review if payer.ip in @watch or merchant not in @trusted_merchants",
            ])
        XCTAssertEqual(
            set.counterKeys,
            [
                RiskCounterKey(subject: .payerUser, measure: .declines, windowSeconds: 86_400),
                RiskCounterKey(subject: .payerDevice, measure: .count, windowSeconds: 600),
            ])
        XCTAssertEqual(set.listNames, ["trusted_merchants", "watch"])
    }

    func testEmptyAndCommentOnlyFilesHaveNoRules() throws {
        for file in ["", "\n\n", "# nothing yet\n   # indented comment\n\t\n"] {
            let set = try RiskRuleSet.parse(file)
            XCTAssertTrue(set.rules.isEmpty, file)
            XCTAssertTrue(set.counterKeys.isEmpty, file)
        }
    }

    func testLimitsAreAcceptedUpToTheirValue() throws {
        let rules = String(repeating: "allow if hour = 1\n", count: RiskRuleSet.ruleCountMax)
        XCTAssertEqual(try RiskRuleSet.parse(rules).rules.count, RiskRuleSet.ruleCountMax)
        let prefix = "block if merchant = '"
        let longest = prefix + String(repeating: "m", count: RiskRuleSet.ruleTextLengthMax - prefix.count - 1) + "'"
        XCTAssertEqual(try RiskRuleSet.parse(longest + "   # a comment beyond the limit").rules.first?.text, longest)
        let nested = String(repeating: "(", count: 15) + "not hour = 1" + String(repeating: ")", count: 15)
        XCTAssertNotNil(condition(nested))
        let listName = "l" + String(repeating: "x", count: RiskLists.nameLengthMax - 1)
        XCTAssertNotNil(condition("merchant in @\(listName)"))
        XCTAssertNotNil(condition("velocity(payer.ip, 1s) > 1 and velocity(payer.ip, 7d) > 1"))
    }
}
