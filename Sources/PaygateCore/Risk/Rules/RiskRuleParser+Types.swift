/// Type checking of comparisons and memberships: numbers with numbers, money with money (an
/// integer or decimal literal beside money is an amount in major units), text with text (only `=`
/// and `!=`; channel and currency literals must name a real one), booleans with booleans.
extension RiskRuleParser {
    private enum Family {
        case numeric, text, flag
    }

    func compare(
        _ left: RiskOperand, _ leftToken: RiskRuleToken, _ comparison: RiskComparison, _ comparisonToken: RiskRuleToken,
        _ right: RiskOperand, _ rightToken: RiskRuleToken
    ) throws(RiskRuleError) -> RiskCondition {
        let family = Self.family(of: left)
        // A count beside money is a mistake whoever wrote it; only literals take their type from the other side.
        let countBesideMoney = (Self.isCount(left) && Self.isMoney(right)) || (Self.isMoney(left) && Self.isCount(right))
        guard family == Self.family(of: right), !countBesideMoney else {
            throw error(rightToken, "cannot compare \(left.typeName) with \(right.typeName) (\(rightToken.quoted))")
        }
        if family != .numeric, !comparison.isEquality {
            throw error(comparisonToken, "\(left.typeName) has no order: compare it with = or !=")
        }
        switch family {
        case .numeric where Self.isMoney(left) || Self.isMoney(right):
            return .money(try money(left, leftToken), comparison, try money(right, rightToken))
        case .numeric:
            let (first, second) = (try number(left, leftToken), try number(right, rightToken))
            try checkRange(first, against: second, rightToken)
            try checkRange(second, against: first, leftToken)
            return .numbers(first, comparison, second)
        case .text:
            return .texts(
                try text(left, leftToken, domain: Self.domain(of: right)), comparison,
                try text(right, rightToken, domain: Self.domain(of: left)))
        case .flag:
            return .flags(try flag(left, leftToken), comparison, try flag(right, rightToken))
        }
    }

    /// After `in` or `not in`: `@list` or a parenthesised list of literals.
    mutating func membership(_ value: RiskOperand, _ valueToken: RiskRuleToken, negated: Bool) throws(RiskRuleError) -> RiskCondition {
        let setToken = advance()
        if case .list(let name) = setToken.kind {
            guard Self.family(of: value) == .text else {
                throw error(valueToken, "only text can be in a list; \(valueToken.quoted) is \(value.typeName)")
            }
            listNames.insert(name)
            return .inList(try text(value, valueToken, domain: .free), list: name, negated: negated)
        }
        guard setToken.isSymbol(.open) else {
            throw error(setToken, "expected '@list' or '(' after 'in', found \(setToken.quoted)")
        }
        var elements: [(RiskOperand, RiskRuleToken)] = []
        var separator: RiskRuleToken
        repeat {
            let token = current
            let element = try operand()
            guard Self.isLiteral(element) else { throw error(token, "a set holds literals only, found \(token.quoted)") }
            guard Self.family(of: element) == Self.family(of: value), !(Self.isCount(value) && Self.isMoney(element)) else {
                throw error(token, "cannot compare \(value.typeName) with \(element.typeName) (\(token.quoted))")
            }
            elements.append((element, token))
            separator = advance()
        } while separator.isSymbol(.comma)
        guard separator.isSymbol(.close) else { throw error(separator, "expected ',' or ')', found \(separator.quoted)") }
        return try set(value, valueToken, elements, negated: negated)
    }

    private func set(
        _ value: RiskOperand, _ valueToken: RiskRuleToken, _ elements: [(RiskOperand, RiskRuleToken)], negated: Bool
    ) throws(RiskRuleError) -> RiskCondition {
        switch Self.family(of: value) {
        case .numeric where Self.isMoney(value) || elements.contains(where: { Self.isMoney($0.0) }):
            var amounts: [Int64] = []
            for (element, token) in elements {
                guard case .literal(let amount) = try money(element, token) else { preconditionFailure("a literal stays literal") }
                amounts.append(amount)
            }
            return .inMoney(try money(value, valueToken), amounts, negated: negated)
        case .numeric:
            var numbers: [Int64] = []
            for (element, token) in elements {
                guard case .literal(let number) = try number(element, token) else { preconditionFailure("a literal stays literal") }
                numbers.append(number)
            }
            let operand = try number(value, valueToken)
            for (number, (_, token)) in zip(numbers, elements) { try checkRange(operand, against: .literal(number), token) }
            return .inNumbers(operand, numbers, negated: negated)
        case .text:
            var texts: [String] = []
            for (element, token) in elements {
                guard case .literal(let text) = try text(element, token, domain: Self.domain(of: value)) else {
                    preconditionFailure("a literal stays literal")
                }
                texts.append(text)
            }
            return .inTexts(try text(value, valueToken, domain: .free), texts, negated: negated)
        case .flag:
            throw error(valueToken, "a boolean is compared with = or !=, not with 'in'")
        }
    }

    /// `hour` is 0–23 and `score` 0–100: a literal beyond compares with nothing the create can
    /// have, which is a typo (`hour >= 24`, `score > 850`), refused at the literal.
    private func checkRange(
        _ operand: RiskNumberOperand, against other: RiskNumberOperand, _ otherToken: RiskRuleToken
    ) throws(RiskRuleError) {
        guard case .literal(let value) = other else { return }
        switch operand {
        case .hour where !(0...23).contains(value):
            throw error(otherToken, "hour is 0-23 (China time), not \(value)")
        case .score where !RiskConfiguration.scoreRange.contains(Int(value)):
            throw error(
                otherToken, "score is \(RiskConfiguration.scoreRange.lowerBound)-\(RiskConfiguration.scoreRange.upperBound), not \(value)")
        default:
            return
        }
    }

    private func money(_ operand: RiskOperand, _ token: RiskRuleToken) throws(RiskRuleError) -> RiskMoneyOperand {
        switch operand {
        case .money(let money): return money
        case .integer(let major): return .literal(major * RiskMoney.majorUnit)
        case .decimal(let digits, let fractionDigits):
            guard fractionDigits <= RiskMoney.scaleDigits else {
                throw error(
                    token, "\(token.quoted) has \(fractionDigits) decimals; amounts have at most \(RiskMoney.scaleDigits) (CNY has 2)")
            }
            var scaled = digits
            for _ in fractionDigits..<RiskMoney.scaleDigits { scaled *= 10 }
            return .literal(scaled)
        default:
            throw error(token, "\(token.quoted) is \(operand.typeName), not money: compare counts with counts")
        }
    }

    private func number(_ operand: RiskOperand, _ token: RiskRuleToken) throws(RiskRuleError) -> RiskNumberOperand {
        switch operand {
        case .number(let number): return number
        case .integer(let value): return .literal(value)
        default: throw error(token, "\(token.quoted) is \(operand.typeName), not a number")
        }
    }

    private func text(
        _ operand: RiskOperand, _ token: RiskRuleToken, domain: RiskOperand.TextDomain
    ) throws(RiskRuleError) -> RiskTextOperand {
        switch operand {
        case .text(let text, _): return text
        case .string(let value):
            switch domain {
            case .channel where Channel(rawValue: value) == nil:
                let names = Channel.allCases.map(\.rawValue).joined(separator: ", ")
                throw error(token, "unknown channel \(RiskTextOperand.quote(value)): \(names)")
            case .currency where Currency(rawValue: value) == nil:
                let names = Currency.allCases.map(\.rawValue).joined(separator: ", ")
                throw error(token, "unknown currency \(RiskTextOperand.quote(value)): \(names)")
            default: return .literal(value)
            }
        default: throw error(token, "\(token.quoted) is \(operand.typeName), not text")
        }
    }

    private func flag(_ operand: RiskOperand, _ token: RiskRuleToken) throws(RiskRuleError) -> RiskFlagOperand {
        switch operand {
        case .flag(let flag): return flag
        case .boolean(let value): return .literal(value)
        default: throw error(token, "\(token.quoted) is \(operand.typeName), not a boolean")
        }
    }

    private static func family(of operand: RiskOperand) -> Family {
        switch operand {
        case .number, .money, .integer, .decimal: .numeric
        case .text, .string: .text
        case .flag, .boolean: .flag
        }
    }

    private static func isMoney(_ operand: RiskOperand) -> Bool {
        switch operand {
        case .money, .decimal: true
        default: false
        }
    }

    private static func isCount(_ operand: RiskOperand) -> Bool {
        guard case .number = operand else { return false }
        return true
    }

    private static func isLiteral(_ operand: RiskOperand) -> Bool {
        switch operand {
        case .integer, .decimal, .string, .boolean: true
        default: false
        }
    }

    private static func domain(of operand: RiskOperand) -> RiskOperand.TextDomain {
        guard case .text(_, let domain) = operand else { return .free }
        return domain
    }
}
