/// What risk decided about one create (docs/API.md section 5, the payment's `risk` member).
///
/// `review` becomes `approved` or `declined` when an admin decides (`paygate-admin risk
/// approve|decline`); `block` is never stored on a payment: a blocked create is answered 402
/// `risk_declined` and recorded apart, with nothing sent to the channel.
public enum RiskDecision: String, Sendable, CaseIterable, Codable {
    case allow, review, block, approved, declined

    /// A payment with this decision is not prepaid (an identical repeat of its create answers it
    /// as it is): it waits for an admin, or was declined.
    public var holdsPrepay: Bool {
        switch self {
        case .review, .declined, .block: true
        case .allow, .approved: false
        }
    }
}

/// The decision, the model's score (0–100; nil without a payer, or when the counters it reads were
/// unreachable) and the rule that decided: the rule's text as written in the rules file, a threshold
/// (`score >= 85`), `degraded` when the counters were unreachable and no rule decided, or nil when
/// nothing matched and the payment was allowed.
public struct RiskAssessment: Sendable, Equatable {
    public static let ruleTextLengthMax = 255

    public var score: Int?
    public var decision: RiskDecision
    public var rule: String?

    public init(score: Int?, decision: RiskDecision, rule: String?) {
        self.score = score
        self.decision = decision
        self.rule = rule.map { String($0.prefix(Self.ruleTextLengthMax)) }
    }

    public func writeJSON(into writer: inout JSONWriter) {
        writer.objectOpen()
        writer.key("score")
        if let score { writer.value(score) } else { writer.null() }
        writer.member("decision", decision.rawValue)
        writer.member("rule", rule)
        writer.objectClose()
    }
}
