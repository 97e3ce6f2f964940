/// Operands: attributes, counter functions and literals.
extension RiskRuleParser {
    mutating func operand() throws(RiskRuleError) -> RiskOperand {
        let token = advance()
        switch token.kind {
        case .integer(let value): return .integer(value)
        case .decimal(let digits, let fractionDigits): return .decimal(digits: digits, fractionDigits: fractionDigits)
        case .text(let text): return .string(text)
        case .word("true"): return .boolean(true)
        case .word("false"): return .boolean(false)
        case .word(let word) where Self.keywords.contains(word) || RiskRuleAction(rawValue: word) != nil:
            throw error(token, "expected a value, found \(token.quoted)")
        case .word(let word):
            if current.isSymbol(.open) { return try call(word, token) }
            guard let attribute = RiskAttribute(rawValue: word) else {
                throw error(token, "unknown attribute \(token.quoted)")
            }
            return attribute.operand
        case .window:
            throw error(token, "a window such as \(token.quoted) belongs inside velocity(), sum(), declines() or distinct_users()")
        default:
            throw error(token, "expected a value, found \(token.quoted)")
        }
    }

    /// `velocity(payer.ip, 10m)`: a counter, recorded in `counterKeys` for the caller to fetch.
    private mutating func call(_ name: String, _ nameToken: RiskRuleToken) throws(RiskRuleError) -> RiskOperand {
        guard let measure = RiskRuleFunction.measure(named: name) else {
            throw error(nameToken, "unknown function \(nameToken.quoted): velocity, sum, declines or distinct_users")
        }
        _ = advance()
        let subjectToken = advance()
        guard case .word(let subjectName) = subjectToken.kind, let subject = RiskSubject(rawValue: subjectName) else {
            throw error(subjectToken, "unknown subject \(subjectToken.quoted): payer.ip, payer.device_id, payer.user_id or merchant")
        }
        try expect(.comma)
        let windowSeconds = try window()
        try expect(.close)
        let key = RiskCounterKey(subject: subject, measure: measure, windowSeconds: windowSeconds)
        counterKeys.insert(key)
        return measure == .sum ? .money(.counter(key)) : .number(.counter(key))
    }

    private mutating func window() throws(RiskRuleError) -> Int {
        let token = advance()
        let range = RiskCounterKey.windowSecondsRange
        switch token.kind {
        case .window(let value, let unit):
            guard let seconds = RiskWindow.seconds(value, unit: unit) else {
                throw error(token, "bad window \(token.quoted): the unit is s, m, h or d")
            }
            guard seconds >= range.lowerBound, seconds <= range.upperBound else {
                throw error(token, "bad window \(token.quoted): from 1s to \(RiskWindow.text(seconds: range.upperBound))")
            }
            return Int(seconds)
        case .integer:
            throw error(token, "bad window \(token.quoted): a window needs a unit, s, m, h or d (such as 10m)")
        default:
            throw error(token, "expected a window such as 10m, found \(token.quoted)")
        }
    }

    private mutating func expect(_ symbol: RiskRuleToken.Symbol) throws(RiskRuleError) {
        guard current.isSymbol(symbol) else {
            throw error(current, "expected '\(symbol.rawValue)', found \(current.quoted)")
        }
        _ = advance()
    }
}
