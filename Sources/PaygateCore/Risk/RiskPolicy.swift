/// The whole decision for one create, from its facts (README "Risk"): the model scores, then the
/// rules decide in the order allow → block → `score >= block` → review → `score >= review`; the
/// first match wins and no match allows. Pure: the counters and lists were gathered before.
///
/// The model judges payers: it was trained on traffic that names its payer, and a create with no
/// `payer` at all gives it nothing but an amount and an hour, from which it would read card testing
/// into every small payment of a merchant that never sends payer data. Such a create is decided by
/// the rules alone (its score is nil).
///
/// While the counters are unreachable the model cannot score (its features are counters) and
/// every rule that reads a counter is unknown, so only rules on what the request itself says
/// (lists, amounts, channels) can match; when none does, the configured degraded mode decides by
/// amount: allowed below `allow_below`, `above` (review or block) otherwise.
public struct RiskPolicy: Sendable {
    public static let degradedRule = "degraded"

    public let rules: RiskRuleSet
    public let model: RiskModel
    public let reviewThreshold: Int
    public let blockThreshold: Int
    public let degradedAllowBelowMinorUnits: Int64
    public let degradedDecision: RiskDecision
    /// Every counter a create must read: the rules' and the model's.
    public let counterKeys: Set<RiskCounterKey>
    /// The subjects those counters follow: a create that carries none of them (nor a user and a
    /// device, whose pairing is read too) needs no counters at all.
    public let subjectsRead: Set<RiskSubject>

    public init(rules: RiskRuleSet, model: RiskModel, configuration: RiskConfiguration) throws(ConfigurationError) {
        guard let allowBelow = try? Money.parse(configuration.degraded.allowBelow, currency: .cny) else {
            throw ConfigurationError("risk.degraded.allow_below must be an amount such as \"500.00\"")
        }
        self.rules = rules
        self.model = model
        reviewThreshold = configuration.reviewThreshold
        blockThreshold = configuration.blockThreshold
        degradedAllowBelowMinorUnits = allowBelow.minorUnits
        degradedDecision = configuration.degraded.above
        counterKeys = rules.counterKeys.union(RiskFeatures.counterKeys)
        subjectsRead = Set(counterKeys.map(\.subject))
    }

    /// Whether the counters have anything to say about a create with these subjects.
    public func needsCounters(_ subjects: RiskSubjects) -> Bool {
        if subjects.payerUser != nil, subjects.payerDevice != nil { return true }
        return subjectsRead.contains { subjects.value(of: $0) != nil }
    }

    /// `facts.counters` as read; `countersAvailable` false when they could not be read at all.
    public func decide(_ facts: RiskFacts, lists: RiskLists, countersAvailable: Bool) -> RiskAssessment {
        var facts = facts
        facts.score = countersAvailable && facts.subjects.namesPayer ? model.score(facts) : nil
        if let match = rules.evaluate(facts, lists: lists, reviewThreshold: reviewThreshold, blockThreshold: blockThreshold) {
            return RiskAssessment(score: facts.score, decision: match.decision, rule: match.rule)
        }
        guard countersAvailable else {
            let decision: RiskDecision = facts.amount.minorUnits < degradedAllowBelowMinorUnits ? .allow : degradedDecision
            return RiskAssessment(score: nil, decision: decision, rule: Self.degradedRule)
        }
        return RiskAssessment(score: facts.score, decision: .allow, rule: nil)
    }
}
