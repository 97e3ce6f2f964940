/// The names the rules language knows: actions, attributes, functions and window units
/// (docs/risk-rules.md lists them with their types).

/// What a matching rule decides.
public enum RiskRuleAction: String, Sendable, CaseIterable {
    case allow, block, review

    public var decision: RiskDecision {
        switch self {
        case .allow: .allow
        case .block: .block
        case .review: .review
        }
    }
}

/// The facts of a create a rule may name, and the type each has.
enum RiskAttribute: String, CaseIterable {
    case amount, currency, channel, merchant, hour, score
    case payerIP = "payer.ip"
    case payerDevice = "payer.device_id"
    case payerUser = "payer.user_id"
    case deviceNew = "payer.device_new"

    var operand: RiskOperand {
        switch self {
        case .amount: .money(.amount)
        case .currency: .text(.currency, domain: .currency)
        case .channel: .text(.channel, domain: .channel)
        case .merchant: .text(.subject(.merchant), domain: .free)
        case .payerIP: .text(.subject(.payerIP), domain: .free)
        case .payerDevice: .text(.subject(.payerDevice), domain: .free)
        case .payerUser: .text(.subject(.payerUser), domain: .free)
        case .hour: .number(.hour)
        case .score: .number(.score)
        case .deviceNew: .flag(.deviceNew)
        }
    }
}

/// The counter functions: each call reads one `RiskCounterKey`.
enum RiskRuleFunction {
    static func measure(named name: String) -> RiskMeasure? {
        RiskMeasure.allCases.first { Self.name(of: $0) == name }
    }

    static func name(of measure: RiskMeasure) -> String {
        switch measure {
        case .count: "velocity"
        case .sum: "sum"
        case .declines: "declines"
        case .distinctUsers: "distinct_users"
        }
    }
}

/// Windows are an integer and a unit: `30s`, `10m`, `24h`, `7d`.
enum RiskWindow {
    static let units: [(name: String, seconds: Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    static func seconds(_ value: Int64, unit: String) -> Int64? {
        guard let entry = units.first(where: { $0.name == unit }) else { return nil }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: entry.seconds)
        return overflow ? nil : seconds
    }

    /// The largest unit that divides `seconds` exactly: 600 → "10m".
    static func text(seconds: Int) -> String {
        let entry = units.first { Int64(seconds) % $0.seconds == 0 } ?? ("s", 1)
        return "\(Int64(seconds) / entry.seconds)\(entry.name)"
    }
}

/// An operand while it is being type checked: an attribute or function with its type, or a
/// literal whose type depends on what it is compared with (`5000` is money beside `amount`).
enum RiskOperand: Equatable {
    /// What text values may be: `channel` and `currency` literals must name a real one.
    enum TextDomain: Equatable {
        case free, channel, currency
    }

    case number(RiskNumberOperand)
    case money(RiskMoneyOperand)
    case text(RiskTextOperand, domain: TextDomain)
    case flag(RiskFlagOperand)
    case integer(Int64)
    case decimal(digits: Int64, fractionDigits: Int)
    case string(String)
    case boolean(Bool)

    /// For error messages: "amount is money", "'x' is text".
    var typeName: String {
        switch self {
        case .number, .integer: "a number"
        case .money, .decimal: "money"
        case .text, .string: "text"
        case .flag, .boolean: "a boolean"
        }
    }
}
