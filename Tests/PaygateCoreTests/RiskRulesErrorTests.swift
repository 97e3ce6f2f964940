import XCTest

@testable import PaygateCore

/// Every kind of error names the line and column of the offending token, and says what is wrong.
final class RiskRulesErrorTests: XCTestCase {
    private func assertError(
        _ file: String, line: Int = 1, column: Int, _ fragment: String, source: StaticString = #filePath, sourceLine: UInt = #line
    ) {
        do {
            let set = try RiskRuleSet.parse(file)
            XCTFail("parsed into \(set.rules.count) rules: \(file.prefix(80))", file: source, line: sourceLine)
        } catch {
            XCTAssertEqual(error.line, line, "\(file.prefix(80)): \(error)", file: source, line: sourceLine)
            XCTAssertEqual(error.column, column, "\(file.prefix(80)): \(error)", file: source, line: sourceLine)
            XCTAssertTrue(error.message.contains(fragment), "\(error) lacks \(fragment)", file: source, line: sourceLine)
        }
    }

    func testStatementErrors() {
        assertError("deny if amount > 5", column: 1, "unknown action 'deny'")
        assertError("Block if hour = 1", column: 1, "unknown action 'Block'")
        assertError("'x' if hour = 1", column: 1, "unknown action 'x'")
        assertError("block amount > 5", column: 7, "missing 'if'")
        assertError("allow", column: 6, "missing 'if'")
        assertError("allow   # comment", column: 9, "missing 'if'")
        assertError("block if", column: 9, "expected a value, found the end of the rule")
        assertError("block if hour = 1 and", column: 22, "expected a value")
        assertError("block if amount > > 5", column: 19, "expected a value, found '>'")
        assertError("block if hour == 1", column: 16, "expected a value, found '='")
        assertError("block if score = if", column: 18, "expected a value, found 'if'")
        assertError("block if amount > 5 5", column: 21, "unexpected '5' after a complete condition")
        assertError("block if hour = 1 review", column: 19, "unexpected 'review'")
        assertError("block if (amount > 5", column: 21, "expected ')'")
        assertError("block if hour = 1)", column: 18, "unexpected ')'")
        assertError("block if hour", column: 14, "expected a comparison or 'in'")
        assertError("block if hour not 5", column: 19, "expected 'in' after 'not'")
        assertError("block if hour in 1", column: 18, "expected '@list' or '('")
    }

    func testLexicalErrors() {
        assertError("block if merchant = 'abc", column: 21, "unterminated string")
        assertError("block if merchant = 'abc\\'", column: 21, "unterminated string")
        assertError("block if merchant = 'a\\b'", column: 23, "unknown escape")
        assertError("block if hour = 1 ; x", column: 19, "unexpected character ';'")
        assertError("block if hour ! 5", column: 15, "unexpected character '!'")
        assertError("block if payer. = 'x'", column: 15, "unexpected character '.'")
        assertError("block if hour = 1\r", column: 18, "unexpected character '\\r'")
        assertError("block if hour = 1 \u{7F}", column: 19, "unexpected character '\\u{7F}'")
        assertError("block if amount > 1.", column: 19, "digits after '.'")
        assertError("block if amount > 1.5x", column: 19, "malformed number")
        assertError("block if hour = 1234567890123456", column: 17, "number too long")
        assertError("block if merchant in @Bad", column: 22, "list name")
        assertError("block if merchant in @9lives", column: 22, "list name")
        assertError("block if merchant in @" + String(repeating: "a", count: 64), column: 22, "list name")
    }

    func testNameErrors() {
        assertError("block if amout > 5", column: 10, "unknown attribute 'amout'")
        assertError("block if payer.email = 'x'", column: 10, "unknown attribute 'payer.email'")
        assertError("block if speed(payer.ip, 10m) > 1", column: 10, "unknown function 'speed'")
        assertError("block if velocity(payer.mail, 10m) > 1", column: 19, "unknown subject 'payer.mail'")
        assertError("block if velocity('x', 10m) > 1", column: 19, "unknown subject")
        assertError("block if velocity(payer.ip 10m) > 1", column: 28, "expected ','")
        assertError("block if velocity(payer.ip, 10m > 1", column: 33, "expected ')'")
        assertError("block if hour = 10m", column: 17, "belongs inside velocity()")
    }

    func testWindowErrors() {
        assertError("block if velocity(payer.ip, 10w) > 1", column: 29, "bad window '10w'")
        assertError("block if velocity(payer.ip, 10) > 1", column: 29, "needs a unit")
        assertError("block if velocity(payer.ip, 8d) > 1", column: 29, "from 1s to 7d")
        assertError("block if velocity(payer.ip, 0s) > 1", column: 29, "from 1s to 7d")
        assertError("block if velocity(payer.ip, 604801s) > 1", column: 29, "from 1s to 7d")
        assertError("block if velocity(payer.ip, 'x') > 1", column: 29, "expected a window")
    }

    func testTypeErrors() {
        assertError("block if amount > 'x'", column: 19, "cannot compare money with text ('x')")
        assertError("block if velocity(payer.ip, 1m) > 5.00", column: 35, "cannot compare a number with money")
        assertError("block if amount > hour", column: 19, "cannot compare money with a number")
        assertError("block if hour = payer.device_new", column: 17, "cannot compare a number with a boolean")
        assertError("block if channel = 'paypal'", column: 20, "unknown channel 'paypal'")
        assertError("block if 'paypal' != channel", column: 10, "unknown channel 'paypal'")
        assertError("block if currency = 'cny'", column: 21, "unknown currency 'cny'")
        assertError("block if channel in ('alipay', 'paypal')", column: 32, "unknown channel")
        assertError("block if merchant > 'a'", column: 19, "has no order")
        assertError("block if payer.device_new < true", column: 27, "has no order")
        assertError("block if amount > 1.005", column: 19, "'1.005' has 3 decimals")
        assertError("block if amount in (1.5, 2.025)", column: 26, "'2.025' has 3 decimals")
        assertError("block if amount in @vip", column: 10, "only text can be in a list")
        assertError("block if payer.device_new in (true)", column: 10, "a boolean is compared with = or !=")
        assertError("block if hour in ('a')", column: 19, "cannot compare a number with text")
        assertError("block if hour in (1.5)", column: 19, "cannot compare a number with money")
        assertError("block if hour in (amount)", column: 19, "literals only")
        assertError("block if hour in ()", column: 19, "expected a value")
        assertError("block if hour in (1 2)", column: 21, "expected ',' or ')'")
        assertError("block if hour >= 24", column: 18, "hour is 0-23")
        assertError("block if 24 = hour", column: 10, "hour is 0-23")
        assertError("block if hour in (23, 24)", column: 23, "hour is 0-23")
        assertError("block if score > 850", column: 18, "score is 0-100")
    }

    func testLimits() {
        let deepParentheses = "block if " + String(repeating: "(", count: 17) + "hour = 1" + String(repeating: ")", count: 17)
        assertError(deepParentheses, column: 26, "nesting deeper than 16")
        assertError("block if " + String(repeating: "not ", count: 17) + "payer.device_new", column: 74, "nesting deeper than 16")
        let rules = String(repeating: "allow if hour = 1\n", count: RiskRuleSet.ruleCountMax) + "  # fine\n  block if hour = 2\n"
        assertError(rules, line: RiskRuleSet.ruleCountMax + 2, column: 3, "more than 500 rules")
        assertError("block if merchant in ('" + String(repeating: "a", count: 250) + "')", column: 241, "longer than 240 characters")
        assertError("\n  block if merchant in ('" + String(repeating: "a", count: 250) + "')", line: 2, column: 243, "longer than 240")
        let comment = "#" + String(repeating: "x", count: 998) + "\n"
        assertError(String(repeating: comment, count: 66), line: 66, column: 537, "larger than 65536 bytes")
    }

    func testTheFirstErrorInTheFileIsReported() {
        let file = "allow if hour = 1\n\nreview if hour = 23 or foo\nblock if bar\n"
        assertError(file, line: 3, column: 24, "unknown attribute 'foo'")
        assertError("allow if hour = 1\r\nblock if x\r\n", line: 2, column: 10, "unknown attribute 'x'")
    }

    func testDescriptionNamesLineAndColumn() {
        let error = RiskRuleError(line: 4, column: 18, "unknown attribute 'amout'")
        XCTAssertEqual(error.description, "line 4, column 18: unknown attribute 'amout'")
        // The example of docs/risk-rules.md, "Errors".
        XCTAssertThrowsError(try RiskRuleSet.parse("# one\n\nallow if hour = 1\nreview if amout > 5000.00")) { error in
            XCTAssertEqual(String(describing: error), "line 4, column 11: unknown attribute 'amout'")
        }
    }
}
