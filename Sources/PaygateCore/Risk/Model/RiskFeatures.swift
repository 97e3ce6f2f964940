import Foundation

/// One input of the risk model; the raw value is its name in the model file (docs/risk-model.md,
/// "Features"). A model may read any of them, in any order, each at most once.
public enum RiskFeature: String, Sendable, CaseIterable {
    /// ln(1 + amount in major units).
    case amountLog = "amount_log"
    /// 1 between 00:00 and 05:59 China time.
    case night
    case deviceUnknown = "device_unknown"
    /// ln(creates from the device in 10 minutes).
    case deviceCount10mLog = "device_count_10m_log"
    case ipUnknown = "ip_unknown"
    /// ln(creates from the address in 10 minutes).
    case ipCount10mLog = "ip_count_10m_log"
    /// ln(1 + distinct user ids on the address in 24 hours).
    case ipUsers24hLog = "ip_users_24h_log"
    case userUnknown = "user_unknown"
    /// ln(creates of the user in 24 hours) and in 7 days.
    case userCount24hLog = "user_count_24h_log"
    case userCount7dLog = "user_count_7d_log"
    /// ln(amount / the user's mean amount over 7 days): 0 for an ordinary amount.
    case userAmountRatioLog = "user_amount_ratio_log"
    /// deviceNewToUser true, or false; both 0 when it is unknown.
    case deviceNew = "device_new"
    case deviceSeen = "device_seen"

    /// Where `RiskFeatures.compute` writes this feature.
    var slot: Int {
        switch self {
        case .amountLog: 0
        case .night: 1
        case .deviceUnknown: 2
        case .deviceCount10mLog: 3
        case .ipUnknown: 4
        case .ipCount10mLog: 5
        case .ipUsers24hLog: 6
        case .userUnknown: 7
        case .userCount24hLog: 8
        case .userCount7dLog: 9
        case .userAmountRatioLog: 10
        case .deviceNew: 11
        case .deviceSeen: 12
        }
    }
}

/// How each feature is computed from a create's facts. scripts/risk_simulator.py (`features`)
/// computes the same values line by line for training; a change here is a change there, and the
/// vectors test fails when they drift.
///
/// Amounts become Double here: the score is a probability, not money, so no amount is ever
/// computed from these values (STYLE: integer money stays on the money path).
///
/// Unknown values have one encoding: a group of counters (device, address, user) is known only
/// when every key it reads is in `facts.counters`; an unknown group reads 0 with its `_unknown`
/// feature 1, so "absent" is never mistaken for "few". A known count includes the create itself,
/// so it is at least 1 and its log at least 0.
public enum RiskFeatures {
    public static let deviceCount10m = RiskCounterKey(subject: .payerDevice, measure: .count, windowSeconds: 600)
    public static let ipCount10m = RiskCounterKey(subject: .payerIP, measure: .count, windowSeconds: 600)
    public static let ipUsers24h = RiskCounterKey(subject: .payerIP, measure: .distinctUsers, windowSeconds: 86_400)
    public static let userCount24h = RiskCounterKey(subject: .payerUser, measure: .count, windowSeconds: 86_400)
    public static let userCount7d = RiskCounterKey(subject: .payerUser, measure: .count, windowSeconds: 604_800)
    public static let userSum7d = RiskCounterKey(subject: .payerUser, measure: .sum, windowSeconds: 604_800)

    /// The counters the features read: the lead's create flow asks the counters for these.
    public static var counterKeys: Set<RiskCounterKey> {
        [deviceCount10m, ipCount10m, ipUsers24h, userCount24h, userCount7d, userSum7d]
    }

    /// Hours [0, nightHourEnd) China time are night.
    public static let nightHourEnd = 6
    public static let count = RiskFeature.allCases.count

    /// Every feature of `facts` by name (tests and diagnostics; the scorer uses `compute`).
    public static func values(_ facts: RiskFacts) -> [RiskFeature: Double] {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { buffer in
            compute(facts, into: buffer)
            return Dictionary(uniqueKeysWithValues: RiskFeature.allCases.map { ($0, buffer[$0.slot]) })
        }
    }

    /// Writes every feature at its `slot`; `buffer` holds at least `count` values. No allocation.
    static func compute(_ facts: RiskFacts, into buffer: UnsafeMutableBufferPointer<Double>) {
        precondition(buffer.count >= count)
        let minor = facts.amount.minorUnits
        // Amounts are positive on a create (docs/API.md section 5); the clamps keep logs finite anyway.
        let divisor = pow(10.0, Double(facts.amount.currency.minorDigits))
        buffer[RiskFeature.amountLog.slot] = log1p(Double(max(minor, 0)) / divisor)
        buffer[RiskFeature.night.slot] = facts.hourChina < nightHourEnd ? 1 : 0

        let device = facts.counters[deviceCount10m]
        buffer[RiskFeature.deviceUnknown.slot] = device == nil ? 1 : 0
        buffer[RiskFeature.deviceCount10mLog.slot] = device.map(logCount) ?? 0

        if let ipCount = facts.counters[ipCount10m], let ipUsers = facts.counters[ipUsers24h] {
            buffer[RiskFeature.ipUnknown.slot] = 0
            buffer[RiskFeature.ipCount10mLog.slot] = logCount(ipCount)
            buffer[RiskFeature.ipUsers24hLog.slot] = log1p(Double(max(ipUsers, 0)))
        } else {
            buffer[RiskFeature.ipUnknown.slot] = 1
            buffer[RiskFeature.ipCount10mLog.slot] = 0
            buffer[RiskFeature.ipUsers24hLog.slot] = 0
        }

        if let day = facts.counters[userCount24h], let week = facts.counters[userCount7d], let weekSum = facts.counters[userSum7d],
            weekSum > 0
        {
            buffer[RiskFeature.userUnknown.slot] = 0
            buffer[RiskFeature.userCount24hLog.slot] = logCount(day)
            buffer[RiskFeature.userCount7dLog.slot] = logCount(week)
            // Against the 7-day mean, this create included: a user's first create reads log 1 = 0.
            let ratio = Double(max(minor, 1)) * Double(max(week, 1)) / Double(weekSum)
            buffer[RiskFeature.userAmountRatioLog.slot] = log(ratio)
        } else {
            buffer[RiskFeature.userUnknown.slot] = 1
            buffer[RiskFeature.userCount24hLog.slot] = 0
            buffer[RiskFeature.userCount7dLog.slot] = 0
            buffer[RiskFeature.userAmountRatioLog.slot] = 0
        }

        buffer[RiskFeature.deviceNew.slot] = facts.deviceNewToUser == true ? 1 : 0
        buffer[RiskFeature.deviceSeen.slot] = facts.deviceNewToUser == false ? 1 : 0
    }

    private static func logCount(_ value: Int64) -> Double { log(Double(max(value, 1))) }
}
