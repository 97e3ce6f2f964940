/// Parses one rule line (already split into tokens) by recursive descent, type checking as it
/// goes, into the action and a `RiskCondition`. The grammar (docs/risk-rules.md, "Grammar"):
///
///     rule       = action "if" condition
///     condition  = conjunction { "or" conjunction }
///     conjunction = negation { "and" negation }
///     negation   = "not" negation | "(" condition ")" | predicate
///     predicate  = operand [ comparison operand | ["not"] "in" set ]
///     set        = "@" name | "(" literal { "," literal } ")"
///
/// `and` binds tighter than `or`, both associate to the left. Every error points at the token
/// that made the line wrong.
struct RiskRuleParser {
    static let keywords: Set<String> = ["if", "and", "or", "not", "in", "true", "false"]

    let tokens: [RiskRuleToken]
    let line: Int
    var index = 0
    /// Open parentheses and `not`s around the current position, bounded by `nestingDepthMax`.
    var depth = 0
    var counterKeys: Set<RiskCounterKey> = []
    var listNames: Set<String> = []

    init(tokens: [RiskRuleToken], line: Int) {
        precondition(tokens.last?.kind == .end, "the lexer ends every line with .end")
        self.tokens = tokens
        self.line = line
    }

    var current: RiskRuleToken { tokens[index] }

    mutating func advance() -> RiskRuleToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func error(_ token: RiskRuleToken, _ message: String) -> RiskRuleError {
        RiskRuleError(line: line, column: token.column, message)
    }

    /// `ACTION if CONDITION`, and nothing after it.
    mutating func rule() throws(RiskRuleError) -> (action: RiskRuleAction, condition: RiskCondition) {
        let actionToken = advance()
        guard case .word(let word) = actionToken.kind, let action = RiskRuleAction(rawValue: word) else {
            throw error(actionToken, "unknown action \(actionToken.quoted): a rule starts with allow, block or review")
        }
        guard current.isWord("if") else {
            throw error(current, "missing 'if' after '\(action.rawValue)', found \(current.quoted)")
        }
        _ = advance()
        let condition = try disjunction()
        guard current.kind == .end else {
            throw error(current, "unexpected \(current.quoted) after a complete condition")
        }
        return (action, condition)
    }

    mutating func disjunction() throws(RiskRuleError) -> RiskCondition {
        var result = try conjunction()
        while current.isWord("or") {
            _ = advance()
            result = .or(result, try conjunction())
        }
        return result
    }

    mutating func conjunction() throws(RiskRuleError) -> RiskCondition {
        var result = try negation()
        while current.isWord("and") {
            _ = advance()
            result = .and(result, try negation())
        }
        return result
    }

    mutating func negation() throws(RiskRuleError) -> RiskCondition {
        if current.isWord("not") || current.isSymbol(.open) {
            try enter(current)
            defer { depth -= 1 }
            if advance().isWord("not") { return .not(try negation()) }
            let inner = try disjunction()
            guard current.isSymbol(.close) else { throw error(current, "expected ')', found \(current.quoted)") }
            _ = advance()
            return inner
        }
        return try predicate()
    }

    private mutating func enter(_ token: RiskRuleToken) throws(RiskRuleError) {
        depth += 1
        guard depth <= RiskRuleSet.nestingDepthMax else {
            throw error(token, "nesting deeper than \(RiskRuleSet.nestingDepthMax) parentheses and 'not's")
        }
    }

    /// An operand, then a comparison, a membership, or nothing (a boolean alone).
    mutating func predicate() throws(RiskRuleError) -> RiskCondition {
        let leftToken = current
        let left = try operand()
        if case .symbol(let symbol) = current.kind, let comparison = RiskComparison(rawValue: symbol.rawValue) {
            let comparisonToken = advance()
            let rightToken = current
            let right = try operand()
            return try compare(
                left, leftToken, comparison, comparisonToken, right, rightToken)
        }
        if current.isWord("in") || current.isWord("not") {
            let negated = advance().isWord("not")
            if negated {
                guard current.isWord("in") else { throw error(current, "expected 'in' after 'not', found \(current.quoted)") }
                _ = advance()
            }
            return try membership(left, leftToken, negated: negated)
        }
        switch left {
        case .flag(let flag): return .flag(flag)
        case .boolean(let value): return .flag(.literal(value))
        default:
            throw error(current, "expected a comparison or 'in' after \(leftToken.quoted) (\(left.typeName)), found \(current.quoted)")
        }
    }
}
