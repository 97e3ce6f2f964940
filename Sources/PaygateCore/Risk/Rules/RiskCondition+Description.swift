/// Prints a condition back in the rules language, fully parenthesised (`(a and b)`), windows in
/// their largest exact unit and amounts with the common scale's decimals. Parsing the printed text
/// gives the same tree: the parser tests rely on it, and an admin tool may show it.
extension RiskCondition: CustomStringConvertible {
    var description: String {
        switch self {
        case .and(let left, let right): "(\(left) and \(right))"
        case .or(let left, let right): "(\(left) or \(right))"
        case .not(let inner): "not \(inner)"
        case .flag(let operand): operand.description
        case .flags(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .numbers(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .money(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .texts(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .inList(let value, let list, let negated): "\(value) \(Self.in(negated)) @\(list)"
        case .inTexts(let value, let texts, let negated):
            "\(value) \(Self.in(negated)) (\(texts.map(RiskTextOperand.quote).joined(separator: ", ")))"
        case .inNumbers(let value, let numbers, let negated):
            "\(value) \(Self.in(negated)) (\(numbers.map(String.init).joined(separator: ", ")))"
        case .inMoney(let value, let amounts, let negated):
            "\(value) \(Self.in(negated)) (\(amounts.map(RiskMoney.text).joined(separator: ", ")))"
        }
    }

    private static func `in`(_ negated: Bool) -> String { negated ? "not in" : "in" }
}

extension RiskNumberOperand: CustomStringConvertible {
    var description: String {
        switch self {
        case .literal(let value): String(value)
        case .hour: "hour"
        case .score: "score"
        case .counter(let key): RiskCounterKey.call(key)
        }
    }
}

extension RiskMoneyOperand: CustomStringConvertible {
    var description: String {
        switch self {
        case .literal(let value): RiskMoney.text(value)
        case .amount: "amount"
        case .counter(let key): RiskCounterKey.call(key)
        }
    }
}

extension RiskTextOperand: CustomStringConvertible {
    var description: String {
        switch self {
        case .literal(let text): Self.quote(text)
        case .channel: "channel"
        case .currency: "currency"
        case .subject(let subject): subject.rawValue
        }
    }

    /// `'it\'s'`: the escapes the lexer reads.
    static func quote(_ text: String) -> String {
        "'" + text.replacingBackslashesAndQuotes() + "'"
    }
}

extension RiskFlagOperand: CustomStringConvertible {
    var description: String {
        switch self {
        case .literal(let value): value ? "true" : "false"
        case .deviceNew: "payer.device_new"
        }
    }
}

extension RiskMoney {
    /// 500000 → "5000.00" (with two scale digits).
    static func text(_ value: Int64) -> String {
        guard scaleDigits > 0 else { return String(value) }
        let divisor = majorUnit
        let sign = value < 0 ? "-" : ""
        let fraction = String(value.magnitude % UInt64(divisor))
        let padding = String(repeating: "0", count: scaleDigits - fraction.count)
        return sign + String(value.magnitude / UInt64(divisor)) + "." + padding + fraction
    }
}

extension RiskCounterKey {
    /// The function a rule writes to read this counter: `velocity(payer.ip, 10m)`.
    static func call(_ key: RiskCounterKey) -> String {
        "\(RiskRuleFunction.name(of: key.measure))(\(key.subject.rawValue), \(RiskWindow.text(seconds: key.windowSeconds)))"
    }
}

extension String {
    fileprivate func replacingBackslashesAndQuotes() -> String {
        var result = ""
        for scalar in unicodeScalars {
            if scalar == "\\" || scalar == "'" { result.unicodeScalars.append("\\") }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
