/// A rule's condition after parsing and type checking: a tree of typed nodes built once when the
/// file is loaded, so that evaluating a create only reads its facts and compares integers and
/// strings (no lookup by name, no string building, no conversion of literals).
///
/// Amounts are compared in a scale common to every currency (`moneyScaleDigits` fraction digits,
/// hundredths today): `amount > 5000.00` compares 500000 with the amount's minor units scaled by
/// `RiskMoney.scale(of:)`, exactly, whatever the payment's currency.
indirect enum RiskCondition: Equatable, Sendable {
    case and(RiskCondition, RiskCondition)
    case or(RiskCondition, RiskCondition)
    case not(RiskCondition)
    /// A boolean operand alone: `payer.device_new`.
    case flag(RiskFlagOperand)
    case flags(RiskFlagOperand, RiskComparison, RiskFlagOperand)
    case numbers(RiskNumberOperand, RiskComparison, RiskNumberOperand)
    case money(RiskMoneyOperand, RiskComparison, RiskMoneyOperand)
    case texts(RiskTextOperand, RiskComparison, RiskTextOperand)
    /// `VALUE in @list`, or `not in` when negated.
    case inList(RiskTextOperand, list: String, negated: Bool)
    /// `VALUE in ('a', 'b')`.
    case inTexts(RiskTextOperand, [String], negated: Bool)
    case inNumbers(RiskNumberOperand, [Int64], negated: Bool)
    case inMoney(RiskMoneyOperand, [Int64], negated: Bool)
}

enum RiskComparison: String, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// Text and booleans have no order: only `=` and `!=` apply to them.
    var isEquality: Bool { self == .equal || self == .notEqual }

    func holds<Value: Comparable>(_ left: Value, _ right: Value) -> Bool {
        switch self {
        case .equal: left == right
        case .notEqual: left != right
        case .less: left < right
        case .lessOrEqual: left <= right
        case .greater: left > right
        case .greaterOrEqual: left >= right
        }
    }
}

/// Counts: `hour`, `score`, `velocity(...)`, `declines(...)`, `distinct_users(...)`, integers.
enum RiskNumberOperand: Equatable, Sendable {
    case literal(Int64)
    /// 0–23, China time.
    case hour
    /// 0–100; unknown before the model has run.
    case score
    case counter(RiskCounterKey)
}

/// Money: `amount`, `sum(...)` and amount literals, in `RiskMoney` units (hundredths).
enum RiskMoneyOperand: Equatable, Sendable {
    case literal(Int64)
    case amount
    /// A `sum` counter: minor units of the payment's currency.
    case counter(RiskCounterKey)
}

/// Text: `channel`, `currency`, `merchant`, the payer's keys and quoted strings.
enum RiskTextOperand: Equatable, Sendable {
    case literal(String)
    case channel
    case currency
    /// `merchant` or one of the payer's keys; a payer key the create lacks is unknown.
    case subject(RiskSubject)
}

/// Booleans: `payer.device_new`, `true`, `false`.
enum RiskFlagOperand: Equatable, Sendable {
    case literal(Bool)
    case deviceNew
}

/// The common scale of amounts in rules: as many fraction digits as the currency that has the
/// most, so that any amount of any currency is an exact integer in it.
enum RiskMoney {
    static let scaleDigits = Currency.allCases.map(\.minorDigits).max() ?? 0
    /// One major unit in the common scale: `5000` beside `amount` means 5000.00.
    static let majorUnit: Int64 = power(scaleDigits)

    static func power(_ digits: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<max(digits, 0) { result *= 10 }
        return result
    }

    /// What one minor unit of `currency` is in the common scale (CNY 1, JPY 100).
    static func scale(of currency: Currency) -> Int64 { power(scaleDigits - currency.minorDigits) }

    /// `minorUnits` of `currency` in the common scale; a counter sum too large saturates.
    static func scaled(_ minorUnits: Int64, _ currency: Currency) -> Int64 {
        let (result, overflow) = minorUnits.multipliedReportingOverflow(by: scale(of: currency))
        return overflow ? (minorUnits < 0 ? .min : .max) : result
    }
}
