/// The risk rules file (`nginx/risk-rules.conf`, docs/risk-rules.md), parsed and type checked
/// once at start and at reload: a file that does not parse is refused whole, and the running rules
/// stay. Evaluating a create walks the compiled trees and touches no text.
///
/// The order of evaluation (docs/risk-rules.md, "Order"): allow rules, block rules, the block
/// threshold on the score, review rules, the review threshold; within each group, file order;
/// the first match decides. No match: nil, and the create is allowed with no rule.
public struct RiskRuleSet: Sendable {
    /// The file is read whole; 64 KiB holds hundreds of commented rules.
    public static let fileBytesMax = 65_536
    public static let ruleCountMax = 500
    /// A rule's text is stored with the payment (`RiskAssessment.ruleTextLengthMax`, 255).
    public static let ruleTextLengthMax = 240
    /// Parentheses and `not`s around any part of a condition.
    public static let nestingDepthMax = 16

    /// Every rule, in file order.
    public let rules: [RiskRule]
    /// Every counter a rule reads: the caller fetches these for each create (`RiskSignals`).
    public let counterKeys: Set<RiskCounterKey>
    /// Every `@list` a rule names.
    public let listNames: Set<String>

    private let allowRules: [RiskRule]
    private let blockRules: [RiskRule]
    private let reviewRules: [RiskRule]

    init(rules: [RiskRule], counterKeys: Set<RiskCounterKey>, listNames: Set<String>) {
        self.rules = rules
        self.counterKeys = counterKeys
        self.listNames = listNames
        allowRules = rules.filter { $0.action == .allow }
        blockRules = rules.filter { $0.action == .block }
        reviewRules = rules.filter { $0.action == .review }
    }

    /// The file's rules, or the first error in it (line and column of the offending token).
    public static func parse(_ text: String) throws(RiskRuleError) -> RiskRuleSet {
        try checkSize(text)
        var rules: [RiskRule] = []
        var counterKeys: Set<RiskCounterKey> = []
        var listNames: Set<String> = []
        // "\r\n" is one Character in Swift: both line ends are separators (files edited on Windows).
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (offset, content) in lines.enumerated() {
            let line = offset + 1
            let (tokens, codeEnd) = try RiskRuleLexer.tokens(content, line: line)
            guard let first = tokens.first, first.kind != .end else { continue }
            guard rules.count < ruleCountMax else {
                throw RiskRuleError(line: line, column: first.column, "more than \(ruleCountMax) rules")
            }
            let ruleText = try Self.ruleText(content, codeEnd: codeEnd, line: line)
            var parser = RiskRuleParser(tokens: tokens, line: line)
            let (action, condition) = try parser.rule()
            rules.append(RiskRule(action: action, text: ruleText, line: line, condition: condition))
            counterKeys.formUnion(parser.counterKeys)
            listNames.formUnion(parser.listNames)
        }
        return RiskRuleSet(rules: rules, counterKeys: counterKeys, listNames: listNames)
    }

    /// The decision for one create, or nil when nothing matched (allow, no rule). A nil score
    /// (no model) matches neither threshold.
    public func evaluate(_ facts: RiskFacts, lists: RiskLists, reviewThreshold: Int, blockThreshold: Int) -> RiskRuleMatch? {
        if let rule = Self.firstMatch(allowRules, facts, lists) { return RiskRuleMatch(decision: .allow, rule: rule.text) }
        if let rule = Self.firstMatch(blockRules, facts, lists) { return RiskRuleMatch(decision: .block, rule: rule.text) }
        if let score = facts.score, score >= blockThreshold {
            return RiskRuleMatch(decision: .block, rule: Self.thresholdText(blockThreshold))
        }
        if let rule = Self.firstMatch(reviewRules, facts, lists) { return RiskRuleMatch(decision: .review, rule: rule.text) }
        if let score = facts.score, score >= reviewThreshold {
            return RiskRuleMatch(decision: .review, rule: Self.thresholdText(reviewThreshold))
        }
        return nil
    }

    private static func firstMatch(_ rules: [RiskRule], _ facts: RiskFacts, _ lists: RiskLists) -> RiskRule? {
        rules.first { $0.condition.truth(facts, lists) == .yes }
    }

    /// "score >= 85", made once per threshold in the score range so evaluation builds no text.
    private static let thresholdTexts: [String] = RiskConfiguration.scoreRange.map { "score >= \($0)" }

    static func thresholdText(_ threshold: Int) -> String {
        RiskConfiguration.scoreRange.contains(threshold)
            ? thresholdTexts[threshold - RiskConfiguration.scoreRange.lowerBound] : "score >= \(threshold)"
    }

    private static func checkSize(_ text: String) throws(RiskRuleError) {
        let bytes = text.utf8
        guard bytes.count > fileBytesMax else { return }
        let head = bytes.prefix(fileBytesMax)
        let line = head.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = head.reversed().prefix { $0 != UInt8(ascii: "\n") }.count + 1
        throw RiskRuleError(line: line, column: column, "the file is larger than \(fileBytesMax) bytes")
    }

    /// The rule as written, without its comment and surrounding blanks, at most `ruleTextLengthMax`.
    private static func ruleText(_ content: Substring, codeEnd: Int, line: Int) throws(RiskRuleError) -> String {
        let scalars = Array(content.unicodeScalars.prefix(codeEnd))
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        let start = scalars.firstIndex { !isBlank($0) } ?? 0
        let end = (scalars.lastIndex { !isBlank($0) } ?? -1) + 1
        guard end - start <= ruleTextLengthMax else {
            throw RiskRuleError(line: line, column: start + ruleTextLengthMax + 1, "a rule is longer than \(ruleTextLengthMax) characters")
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<end])
        return text
    }
}

/// One rule of the file: its action, its text as written (comment removed: the payment's
/// `risk.rule`), its line, and its compiled condition.
public struct RiskRule: Sendable {
    public let action: RiskRuleAction
    public let text: String
    public let line: Int
    let condition: RiskCondition
}

/// What the rules decided: the decision and the rule's text, or `score >= N` for a threshold.
public struct RiskRuleMatch: Sendable, Equatable {
    public var decision: RiskDecision
    public var rule: String

    public init(decision: RiskDecision, rule: String) {
        self.decision = decision
        self.rule = rule
    }
}
