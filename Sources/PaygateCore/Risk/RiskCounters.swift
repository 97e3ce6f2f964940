/// Whose activity a counter follows: one of the payer's keys (from the create's `payer` object,
/// docs/API.md section 5) or the merchant. The raw value is the rules language's spelling.
public enum RiskSubject: String, Sendable, CaseIterable, Hashable {
    case payerIP = "payer.ip"
    case payerDevice = "payer.device_id"
    case payerUser = "payer.user_id"
    case merchant
}

/// What a counter adds up over its window.
public enum RiskMeasure: String, Sendable, CaseIterable, Hashable {
    /// Creates (every attempt, blocked ones too: card testing shows as attempts).
    case count
    /// The sum of their amounts, in minor units.
    case sum
    /// Declines: creates blocked by risk, reviews declined, prepays the channel refused.
    case declines
    /// Distinct payer user ids seen with the subject (one address across many users).
    case distinctUsers = "distinct_users"
}

/// One sliding-window counter: the rules' `velocity(payer.ip, 10m)` is
/// `RiskCounterKey(subject: .payerIP, measure: .count, windowSeconds: 600)`.
public struct RiskCounterKey: Sendable, Hashable, CustomStringConvertible {
    /// Windows the counters keep: a second to a week.
    public static let windowSecondsRange = 1...604_800

    public var subject: RiskSubject
    public var measure: RiskMeasure
    public var windowSeconds: Int

    public init(subject: RiskSubject, measure: RiskMeasure, windowSeconds: Int) {
        self.subject = subject
        self.measure = measure
        self.windowSeconds = windowSeconds
    }

    public var description: String { "\(measure.rawValue)(\(subject.rawValue), \(windowSeconds)s)" }

    // Hashed by case and window, not by the raw values' text (RawRepresentable's default hashes
    // the strings): every create looks its counters up by key several times.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(windowSeconds << 8 | subject.ordinal << 4 | measure.ordinal)
    }
}

extension RiskSubject {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    var ordinal: Int {
        switch self {
        case .payerIP: 0
        case .payerDevice: 1
        case .payerUser: 2
        case .merchant: 3
        }
    }
}

extension RiskMeasure {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    var ordinal: Int {
        switch self {
        case .count: 0
        case .sum: 1
        case .declines: 2
        case .distinctUsers: 3
        }
    }
}

/// The payer's keys and the merchant of one create; a payer key the request did not carry is nil
/// and no counter follows it.
public struct RiskSubjects: Sendable, Equatable {
    public var payerIP: String?
    public var payerDevice: String?
    public var payerUser: String?
    public var merchant: String

    public init(payerIP: String?, payerDevice: String?, payerUser: String?, merchant: String) {
        self.payerIP = payerIP
        self.payerDevice = payerDevice
        self.payerUser = payerUser
        self.merchant = merchant
    }

    /// Whether the create named its payer at all (any of the three keys).
    public var namesPayer: Bool { payerIP != nil || payerDevice != nil || payerUser != nil }

    public func value(of subject: RiskSubject) -> String? {
        switch subject {
        case .payerIP: payerIP
        case .payerDevice: payerDevice
        case .payerUser: payerUser
        case .merchant: merchant
        }
    }
}
