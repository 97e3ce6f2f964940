/// What risk decided about one create (docs/API.md section 5, the payment's `risk` member).
///
/// `review` becomes `approved` or `declined` when an admin decides (`paygate-admin risk
/// approve|decline`); `block` is never stored on a payment: a blocked create is answered 402
/// `risk_declined` and recorded apart, with nothing sent to the channel.
public enum RiskDecision: String, Sendable, CaseIterable, Codable {
    case allow, review, block, approved, declined
}

/// The decision, the model's score (0–100) and the rule that decided: the rule's text as written
/// in the rules file, a threshold (`score >= 85`), `degraded` when the counters were unreachable,
/// or nil when nothing matched and the payment was allowed.
public struct RiskAssessment: Sendable, Equatable {
    public static let ruleTextLengthMax = 255

    public var score: Int
    public var decision: RiskDecision
    public var rule: String?

    public init(score: Int, decision: RiskDecision, rule: String?) {
        self.score = score
        self.decision = decision
        self.rule = rule.map { String($0.prefix(Self.ruleTextLengthMax)) }
    }

    public func writeJSON(into writer: inout JSONWriter) {
        writer.objectOpen()
        writer.member("score", score)
        writer.member("decision", decision.rawValue)
        writer.member("rule", rule)
        writer.objectClose()
    }
}
