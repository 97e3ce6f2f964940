/// Kleene's three-valued logic: a fact that is not known (a payer key the create lacks, a counter
/// that could not be read, no score yet) makes a comparison `unknown`, never an error, and a rule
/// matches only when its condition is `yes`.
///
///     and     | yes      no   unknown       or      | yes  no       unknown
///     yes     | yes      no   unknown       yes     | yes  yes      yes
///     no      | no       no   no            no      | yes  no       unknown
///     unknown | unknown  no   unknown       unknown | yes  unknown  unknown
///
///     not yes = no, not no = yes, not unknown = unknown
enum RiskTruth: Equatable, Sendable {
    case yes, no, unknown

    init(_ value: Bool?) {
        switch value {
        case true?: self = .yes
        case false?: self = .no
        case nil: self = .unknown
        }
    }

    var negated: RiskTruth {
        switch self {
        case .yes: .no
        case .no: .yes
        case .unknown: .unknown
        }
    }
}

extension RiskCondition {
    /// The condition's truth for one create. `and` and `or` skip their right side when the left
    /// one decides, which Kleene's tables allow.
    func truth(_ facts: RiskFacts, _ lists: RiskLists) -> RiskTruth {
        switch self {
        case .and(let left, let right):
            let first = left.truth(facts, lists)
            if first == .no { return .no }
            let second = right.truth(facts, lists)
            if second == .no { return .no }
            return first == .yes && second == .yes ? .yes : .unknown
        case .or(let left, let right):
            let first = left.truth(facts, lists)
            if first == .yes { return .yes }
            let second = right.truth(facts, lists)
            if second == .yes { return .yes }
            return first == .no && second == .no ? .no : .unknown
        case .not(let inner):
            return inner.truth(facts, lists).negated
        default:
            return RiskTruth(comparisonHolds(facts, lists))
        }
    }

    /// A leaf's truth as a Bool, nil when an operand is unknown.
    private func comparisonHolds(_ facts: RiskFacts, _ lists: RiskLists) -> Bool? {
        switch self {
        case .and, .or, .not:
            preconditionFailure("truth(_:_:) handles the connectives")
        case .flag(let operand):
            return operand.value(facts)
        case .flags(let left, let comparison, let right):
            return Self.known(left.value(facts), right.value(facts)).map { ($0.0 == $0.1) == (comparison == .equal) }
        case .numbers(let left, let comparison, let right):
            return Self.known(left.value(facts), right.value(facts)).map { comparison.holds($0.0, $0.1) }
        case .money(let left, let comparison, let right):
            return Self.known(left.value(facts), right.value(facts)).map { comparison.holds($0.0, $0.1) }
        case .texts(let left, let comparison, let right):
            return Self.known(left.value(facts), right.value(facts)).map { ($0.0 == $0.1) == (comparison == .equal) }
        case .inList(let operand, let list, let negated):
            return operand.value(facts).map { lists.contains(list, $0) != negated }
        case .inTexts(let operand, let texts, let negated):
            return operand.value(facts).map { texts.contains($0) != negated }
        case .inNumbers(let operand, let numbers, let negated):
            return operand.value(facts).map { numbers.contains($0) != negated }
        case .inMoney(let operand, let amounts, let negated):
            return operand.value(facts).map { amounts.contains($0) != negated }
        }
    }

    /// Both values when both are known.
    private static func known<Value>(_ left: Value?, _ right: Value?) -> (Value, Value)? {
        guard let left, let right else { return nil }
        return (left, right)
    }
}

extension RiskNumberOperand {
    func value(_ facts: RiskFacts) -> Int64? {
        switch self {
        case .literal(let value): value
        case .hour: Int64(facts.hourChina)
        case .score: facts.score.map(Int64.init)
        case .counter(let key): facts.counters[key]
        }
    }
}

extension RiskMoneyOperand {
    /// In the common scale (`RiskMoney`); a sum counter is in the payment's currency.
    func value(_ facts: RiskFacts) -> Int64? {
        switch self {
        case .literal(let value): value
        case .amount: RiskMoney.scaled(facts.amount.minorUnits, facts.amount.currency)
        case .counter(let key): facts.counters[key].map { RiskMoney.scaled($0, facts.amount.currency) }
        }
    }
}

extension RiskTextOperand {
    func value(_ facts: RiskFacts) -> String? {
        switch self {
        case .literal(let text): text
        case .channel: facts.channel.rawValue
        case .currency: facts.amount.currency.rawValue
        case .subject(let subject): facts.subjects.value(of: subject)
        }
    }
}

extension RiskFlagOperand {
    func value(_ facts: RiskFacts) -> Bool? {
        switch self {
        case .literal(let value): value
        case .deviceNew: facts.deviceNewToUser
        }
    }
}
